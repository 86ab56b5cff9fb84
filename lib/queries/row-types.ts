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

