// CSV export (RFC 4180) for any table an endpoint returns; cells that a spreadsheet
// would run as formulas are prefixed with a quote. An export holds every row the filters
// match, not the page on screen (allPages); one that would exceed CSV_EXPORT_MAX_ROWS is
// refused with the count, never cut short.

import { ApiError } from './errors';

/** The most rows one export holds; beyond it the request is refused (narrow the filters). */
export const CSV_EXPORT_MAX_ROWS = 100_000;
/** Rows read per page while an export walks a paged list (the lists' own largest page). */
export const CSV_EXPORT_PAGE = 500;

/** `rows`: how many match, or null when only "more than the max" is known. */
export function exportTooLarge(rows: number | null, max = CSV_EXPORT_MAX_ROWS): ApiError {
  return new ApiError(422, 'export_too_large', `${rows ?? `more than ${max}`} rows match; an export holds at most ${max}: narrow the filters (dates, region, customer …)`);
}

export interface ExportPage<R> {
  rows: readonly R[];
  /** The next page's cursor, null after the last. */
  next: string | null;
  /** How many rows the whole list has, when the page knows: an oversized export is refused before it is read. */
  total?: number;
}

/**
 * Every row of a cursor-paged list, from its first page to its last, for an export. The pages
 * are read one after another from a list that may change meanwhile (offset cursors): a row
 * that moved onto the next page is kept once (`key`); a row that left the list (resolved,
 * paid) between two pages is not in the export, as it would not be on a fresh read.
 */
export async function allPages<R>(
  page: (cursor: string | undefined, limit: number) => Promise<ExportPage<R>>,
  key: (row: R) => string,
  o: { pageSize?: number; max?: number } = {},
): Promise<R[]> {
  const max = o.max ?? CSV_EXPORT_MAX_ROWS;
  const seen = new Set<string>();
  const out: R[] = [];
  let cursor: string | undefined;
  for (;;) {
    const p = await page(cursor, o.pageSize ?? CSV_EXPORT_PAGE);
    if (p.total !== undefined && p.total > max) throw exportTooLarge(p.total, max);
    for (const r of p.rows) {
      const k = key(r);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(r);
    }
    if (out.length > max) throw exportTooLarge(null, max);
    if (!p.next || p.rows.length === 0) return out;
    cursor = p.next;
  }
}

/** A list read in one query with `limit` = max + 1 (and its total, when known): refused when more than the max match. */
export function wholeList<R>(rows: readonly R[], total?: number, max = CSV_EXPORT_MAX_ROWS): readonly R[] {
  if (total !== undefined && total > max) throw exportTooLarge(total, max);
  if (rows.length > max) throw exportTooLarge(null, max);
  return rows;
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    let s = typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (/^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.map(cell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => cell(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** The response header with the number of data rows of a CSV export (the audit trail reads it). */
export const CSV_ROWS_HEADER = 'x-row-count';

export function csvResponse(filename: string, columns: readonly string[], rows: readonly Record<string, unknown>[]): Response {
  return new Response(toCsv(columns, rows), {
    status: 200,
    headers: {
      [CSV_ROWS_HEADER]: String(rows.length),
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    },
  });
}
