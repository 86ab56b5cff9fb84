// Opaque keyset cursors: the sort key of the last row of a page, base64url-encoded JSON.
// Decoding validates the shape, so a tampered cursor is a 400, never SQL.

import { z } from 'zod';
import { errors } from '../http/errors';

export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor<T extends z.ZodTypeAny>(cursor: string, schema: T): z.infer<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw errors.badRequest('invalid cursor');
  }
  const r = schema.safeParse(parsed);
  if (!r.success) throw errors.badRequest('invalid cursor');
  return r.data;
}
