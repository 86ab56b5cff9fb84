// zod pieces for rows coming back from ClickHouse JSONEachRow: 64-bit integers arrive as
// strings, DateTime64 as 'YYYY-MM-DD hh:mm:ss.sss' (UTC); both normalised here.

import { z } from 'zod';

export const num = z.coerce.number();

export const chTimestamp = z.string().transform((s) => (s.includes('T') ? s : `${s.replace(' ', 'T')}Z`));

export const nullableTimestamp = z
  .string()
  .nullable()
  .transform((s) => (s === null ? null : s.includes('T') ? s : `${s.replace(' ', 'T')}Z`));

/** "now" for a query: a fixed instant in tests, the wall clock otherwise. */
export function queryNow(now?: string | Date): Date {
  if (now instanceof Date) return now;
  return now ? new Date(now) : new Date();
}

/** Opaque offset cursor for paginated lists. */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    const o = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown }).o;
    return typeof o === 'number' && Number.isInteger(o) && o >= 0 ? o : 0;
  } catch {
    return 0;
  }
}
