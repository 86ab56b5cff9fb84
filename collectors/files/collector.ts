// Legacy batch exchange: CSV (text/csv) and JSONL (application/x-ndjson) uploads with a
// declared mapping (X-Cashtrace-Mapping header or ?mapping=, JSON; see mapping.ts), or a
// browser form (multipart/form-data: a `file` part and a `mapping` part).
// Rows that cannot be mapped or validated are reported by line and dead-lettered; good
// rows are kept. Re-uploading the same file is idempotent (row hash or event id column).

import { NextResponse } from 'next/server';
import type { CanonicalEventInput } from '@/lib/events/schema';
import { formatZodIssues } from '@/lib/events/schema';
import { errors } from '@/lib/http/errors';
import type { Collector, InvalidItem } from '../shared/collector';
import { mediaType } from '../shared/collector';
import { isRecord } from '../shared/ids';
import { parseCsv } from './csv';
import { fileMappingSchema, mapRow, type FileMapping } from './mapping';

const CSV = ['text/csv', 'application/csv'];
const JSONL = ['application/x-ndjson', 'application/jsonl', 'application/ndjson', 'application/jsonlines'];

function mappingOf(raw: string | null): FileMapping {
  if (!raw) throw errors.badRequest('declare the mapping in the X-Cashtrace-Mapping header or the mapping query parameter (JSON)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw errors.badRequest(`the mapping is not JSON: ${(e as Error).message}`);
  }
  const r = fileMappingSchema.safeParse(parsed);
  if (!r.success) throw errors.badRequest('invalid mapping', formatZodIssues(r.error));
  return r.data;
}

function rowsOf(body: Buffer, mt: string): { line: number; row: Record<string, unknown> | null; raw: string; error?: string }[] {
  const text = body.toString('utf8');
  if (CSV.includes(mt)) return parseCsv(text).rows.map((r) => ({ line: r.line, row: r.values, raw: JSON.stringify(r.values) }));
  const out: { line: number; row: Record<string, unknown> | null; raw: string; error?: string }[] = [];
  text.split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    try {
      const v = JSON.parse(l);
      out.push(isRecord(v) ? { line: i + 1, row: v, raw: l } : { line: i + 1, row: null, raw: l, error: 'a JSONL line must be an object' });
    } catch (e) {
      out.push({ line: i + 1, row: null, raw: l, error: `malformed JSON: ${(e as Error).message}` });
    }
  });
  return out;
}

export const filesCollector: Collector = {
  name: 'files',
  verify: 'token',
  contentTypes: [...CSV, ...JSONL, 'multipart/form-data'],
  async unpack(ctx) {
    if (mediaType(ctx.contentType) !== 'multipart/form-data') return ctx;
    const form = await new Response(new Uint8Array(ctx.body), { headers: { 'content-type': ctx.contentType } }).formData().catch((e: Error) => {
      throw errors.badRequest(`malformed multipart body: ${e.message}`);
    });
    const file = form.get('file');
    if (!(file instanceof File)) throw errors.badRequest('the form needs a file part named "file"');
    const fields: Record<string, string> = { filename: file.name };
    const mapping = form.get('mapping');
    if (typeof mapping === 'string') fields.mapping = mapping;
    // Browsers label CSV files variously (Windows: application/vnd.ms-excel): trust the extension then.
    const declared = mediaType(file.type);
    const contentType = [...CSV, ...JSONL].includes(declared) ? declared : /\.(jsonl|ndjson)$/i.test(file.name) ? 'application/x-ndjson' : 'text/csv';
    return { ...ctx, body: Buffer.from(await file.arrayBuffer()), contentType, fields };
  },
  parse(ctx) {
    const mt = mediaType(ctx.contentType);
    const mapping = mappingOf(ctx.fields?.mapping ?? ctx.req.headers.get('x-cashtrace-mapping') ?? ctx.url.searchParams.get('mapping'));
    const fileName = (ctx.fields?.filename ?? ctx.req.headers.get('x-cashtrace-filename') ?? ctx.url.searchParams.get('filename') ?? 'upload').slice(0, 80);
    const events: CanonicalEventInput[] = [];
    const invalid: InvalidItem[] = [];
    const eventLines: number[] = [];
    const invalidLines: number[] = [];
    for (const r of rowsOf(ctx.body, mt)) {
      try {
        if (!r.row) throw new Error(r.error ?? 'unreadable row');
        events.push(mapRow(r.row, mapping, fileName));
        eventLines.push(r.line);
      } catch (e) {
        invalid.push({ errors: [`line ${r.line}: ${(e as Error).message}`], raw: r.raw });
        invalidLines.push(r.line);
      }
    }
    if (events.length + invalid.length === 0) throw errors.badRequest('the file has no rows');
    return { events, invalid, origins: [...eventLines, ...invalidLines] };
  },
  respond(result, delivery) {
    const rejected = result.rejected.map((r) => ({ line: delivery.origins?.[r.index] ?? null, errors: r.errors }));
    const status = result.accepted + result.duplicates === 0 ? 400 : 200;
    return NextResponse.json({ accepted: result.accepted, duplicates: result.duplicates, rejected }, { status });
  },
};
