// JSON request bodies: size-limited, parsed, validated with the route's zod schema (400
// with readable issues otherwise).

import type { z } from 'zod';
import { readBody } from './body';
import { errors } from './errors';

export async function readJson<T>(req: Request, schema: z.ZodType<T>, limit = 1024 * 1024): Promise<T> {
  const body = await readBody(req, limit);
  let parsed: unknown = {};
  if (body.length > 0) {
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw errors.badRequest(`malformed JSON: ${(e as Error).message}`);
    }
  }
  return schema.parse(parsed);
}
