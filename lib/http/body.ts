// Reading request bodies with a hard size limit, as raw bytes (signatures are verified
// on the exact bytes before anything is parsed).

import { errors } from './errors';

/** The body as received, chunk by chunk (no copy into one buffer), within `limit` bytes. */
export async function readBodyChunks(req: Request, limit: number): Promise<Buffer[]> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > limit) throw errors.tooLarge(limit);
  if (!req.body) return [];
  const reader = req.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw errors.tooLarge(limit);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return chunks;
}

export async function readBody(req: Request, limit: number): Promise<Buffer> {
  return Buffer.concat(await readBodyChunks(req, limit));
}

export interface EventList {
  items: unknown[];
  parseErrors: { index: number; errors: string[]; raw: string }[];
  /** NDJSON: the line each item was parsed from (index-aligned with items). */
  lines?: string[];
}

/** One item of a request body: the parsed JSON (with its NDJSON line), or why its line could not be parsed. */
export type BodyItem =
  | {
      item: unknown;
      line?: string;
      /** The line's exact bytes, [start, end) of `bytes` (NDJSON). */
      bytes?: Buffer;
      start?: number;
      end?: number;
      errors?: undefined;
    }
  | { errors: string[]; raw: string };

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/jsonl', 'application/ndjson']);

/**
 * Visits the items of a JSON array or NDJSON body (by content type) one at a time, as
 * they are parsed: the caller keeps what it needs of each, and an NDJSON body's parsed
 * items are never all alive at once (held together, a 5k-event request's object graphs
 * were ~20 MB for every young-generation collection meanwhile to copy).
 */
export function forEachBodyItem(body: Buffer | readonly Buffer[], contentType: string, visit: (it: BodyItem) => void): void {
  const ct = contentType.split(';')[0].trim().toLowerCase();
  const chunks = Buffer.isBuffer(body) ? [body] : body;
  if (NDJSON_TYPES.has(ct)) {
    forEachNdjsonLine(chunks, (l, bytes, start, end) => {
      let item: unknown;
      try {
        item = JSON.parse(l);
      } catch (e) {
        visit({ errors: [`malformed JSON: ${(e as Error).message}`], raw: l });
        return;
      }
      visit(bytes ? { item, line: l, bytes, start, end } : { item, line: l });
    });
    return;
  }
  if (ct !== 'application/json' && ct !== '') throw errors.unsupportedMediaType(`expected application/json or application/x-ndjson, got ${ct}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw errors.badRequest(`malformed JSON: ${(e as Error).message}`);
  }
  for (const item of Array.isArray(parsed) ? parsed : [parsed]) visit({ item });
}

/** JSON's own whitespace (RFC 8259) other than the line feed that ends a line. */
function isJsonSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d;
}

/**
 * The non-blank lines of NDJSON bytes, trimmed. Line by line from the bytes (0x0A never
 * occurs inside a UTF-8 sequence, so this is the text's split('\n')): each line is decoded
 * on its own, so ASCII lines stay one-byte strings instead of slices of one body-sized
 * two-byte string (every later step — JSON.parse, the row serialiser, the insert's
 * re-encoding — is faster on them). Lines are read from the chunks as they arrived: only a
 * line split between two chunks is joined (copying whole bodies into one buffer took the
 * ingest route 2.3 µs per event). With each line come its bytes, [start, end) of `bytes`
 * (a chunk, or the joined line), when they are exactly the trimmed text — not when trim()
 * removed white space JSON does not allow around a value (no-break space, say).
 */
export function forEachNdjsonLine(chunks: readonly Buffer[], visit: (line: string, bytes: Buffer | undefined, start: number, end: number) => void): void {
  const line = (buf: Buffer, start: number, end: number) => {
    while (start < end && isJsonSpace(buf[start])) start++;
    while (end > start && isJsonSpace(buf[end - 1])) end--;
    const raw = buf.toString('utf8', start, end);
    const text = raw.trim();
    if (text) visit(text, text.length === raw.length ? buf : undefined, start, end);
  };
  let carry: Buffer[] = [];
  for (const chunk of chunks) {
    for (let start = 0; start < chunk.length; ) {
      const end = chunk.indexOf(10, start);
      if (end < 0) {
        carry.push(chunk.subarray(start));
        break;
      }
      if (carry.length > 0) {
        carry.push(chunk.subarray(start, end));
        const joined = Buffer.concat(carry);
        line(joined, 0, joined.length);
        carry = [];
      } else {
        line(chunk, start, end);
      }
      start = end + 1;
    }
  }
  if (carry.length > 0) {
    const joined = Buffer.concat(carry);
    line(joined, 0, joined.length);
  }
}

/** JSON array or NDJSON (by content type) into a list of unknown items; line errors kept by index. */
export function parseEventList(body: Buffer | readonly Buffer[], contentType: string): EventList {
  const items: unknown[] = [];
  const lines: string[] = [];
  const parseErrors: EventList['parseErrors'] = [];
  const ndjson = NDJSON_TYPES.has(contentType.split(';')[0].trim().toLowerCase());
  forEachBodyItem(body, contentType, (it) => {
    if (it.errors) {
      parseErrors.push({ index: items.length, errors: it.errors, raw: it.raw });
      lines.push(it.raw);
      items.push(undefined);
    } else {
      if (it.line !== undefined) lines.push(it.line);
      items.push(it.item);
    }
  });
  return ndjson ? { items, parseErrors, lines } : { items, parseErrors };
}

/** The body parsed as JSON, within `limit` bytes; not JSON: 400 with `message` (what the body must be). */
export async function readJsonBody(req: Request, limit: number, message: string): Promise<unknown> {
  const raw = await readBody(req, limit);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw errors.badRequest(message);
  }
}
