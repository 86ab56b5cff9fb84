// zod pieces for ClickHouse JSONEachRow values used by the integration queries:
// 64-bit integers and decimals arrive quoted, DateTime64 as 'YYYY-MM-DD hh:mm:ss.fff'
// (UTC), NaN (quantiles/averages of nothing) as null. Normalised once, here.

import { z } from 'zod';

/** ClickHouse DateTime64 text (UTC) ▶ ISO-8601 with Z. */
export function isoFromCh(v: string): string {
  return new Date(/[T]/.test(v) ? v : `${v.replace(' ', 'T')}Z`).toISOString();
}

export const chNum = z.union([z.number(), z.string()]).transform((v) => Number(v));
export const chNumOrNull = z
  .union([z.number(), z.string(), z.null()])
  .transform((v) => (v === null || v === '' || Number.isNaN(Number(v)) ? null : Number(v)));
export const chIso = z.string().transform(isoFromCh);
export const chIsoOrNull = z
  .string()
  .nullable()
  .transform((v) => (v === null || v === '' ? null : isoFromCh(v)));
export const chBool = z.union([z.boolean(), z.number()]).transform(Boolean);
