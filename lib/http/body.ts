// Reading request bodies with a hard size limit, as raw bytes (signatures are verified
// on the exact bytes before anything is parsed).

import { errors } from './errors';

export async function readBody(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > limit) throw errors.tooLarge(limit);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw errors.tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export interface EventList {
  items: unknown[];
  parseErrors: { index: number; errors: string[]; raw: string }[];
  /** NDJSON: the line each item was parsed from (index-aligned with items). */
  lines?: string[];
}

/** JSON array or NDJSON (by content type) into a list of unknown items; line errors kept by index. */
export function parseEventList(body: Buffer, contentType: string): EventList {
  const text = body.toString('utf8');
  const ct = contentType.split(';')[0].trim().toLowerCase();
  if (ct === 'application/x-ndjson' || ct === 'application/jsonl' || ct === 'application/ndjson') {
    const items: unknown[] = [];
    const lines: string[] = [];
    const parseErrors: { index: number; errors: string[]; raw: string }[] = [];
    text.split('\n').forEach((line) => {
      const l = line.trim();
      if (!l) return;
      const index = items.length;
      lines.push(l);
      try {
        items.push(JSON.parse(l));
      } catch (e) {
        items.push(undefined);
        parseErrors.push({ index, errors: [`malformed JSON: ${(e as Error).message}`], raw: l });
      }
    });
    return { items, parseErrors, lines };
  }
  if (ct !== 'application/json' && ct !== '') throw errors.unsupportedMediaType(`expected application/json or application/x-ndjson, got ${ct}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`malformed JSON: ${(e as Error).message}`);
  }
  return { items: Array.isArray(parsed) ? parsed : [parsed], parseErrors: [] };
}
