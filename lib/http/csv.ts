// CSV export (RFC 4180) for any table an endpoint returns; cells that a spreadsheet
// would run as formulas are prefixed with a quote. An export holds every row the filters
// match, not the page on screen.
//
// A paged list is streamed (everyPage): its pages are read one after another while the
// file is being sent, so memory holds a page, not the export, and the first rows leave
// before the last are read. It holds up to CSV_EXPORT_MAX_ROWS (a spreadsheet's sheet);
// a list read in one query (wholeList) up to CSV_LIST_MAX_ROWS. Over either, the export
// is refused with the count (before the first byte when the count is known), never cut
// short: a stream that cannot finish (over the limit after all, a failed read) ends in
// an error, which browsers and curl report as a failed download, not as a file.

import { ApiError } from './errors';

/** The most rows a streamed export holds: a spreadsheet's sheet (1,048,576 rows) with its header. */
export const CSV_EXPORT_MAX_ROWS = 1_048_575;
/** The most rows of a list read in one query (held in memory) that one export holds. */
export const CSV_LIST_MAX_ROWS = 100_000;
/** Rows read per page while an export walks a paged list. */
export const CSV_EXPORT_PAGE = 5_000;

/** `rows`: how many match, or null when only "more than the max" is known. */
export function exportTooLarge(rows: number | null, max: number): ApiError {
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
 * Every row of a cursor-paged list, page by page from its first to its last, for a streamed
 * export. The pages are read one after another from a list that may change meanwhile (offset
 * cursors): a row that moved onto the next page (rows sorted in ahead of it) is kept once
 * (`key`, compared with the page before); a row that left the list (resolved, paid) between
 * two pages is not in the export, as it would not be on a fresh read.
 */
export async function* everyPage<R>(
  page: (cursor: string | undefined, limit: number) => Promise<ExportPage<R>>,
  key: (row: R) => string,
  o: { pageSize?: number; max?: number } = {},
): AsyncGenerator<R[], void, undefined> {
  const max = o.max ?? CSV_EXPORT_MAX_ROWS;
  let previous = new Set<string>();
  let count = 0;
  let cursor: string | undefined;
  for (;;) {
    const p = await page(cursor, o.pageSize ?? CSV_EXPORT_PAGE);
    if (p.total !== undefined && p.total > max) throw exportTooLarge(p.total, max);
    const keys = new Set<string>();
    const rows: R[] = [];
    for (const r of p.rows) {
      const k = key(r);
      if (previous.has(k) || keys.has(k)) continue;
      keys.add(k);
      rows.push(r);
    }
    count += rows.length;
    if (count > max) throw exportTooLarge(null, max);
    if (rows.length > 0) yield rows;
    if (!p.next || p.rows.length === 0) return;
    previous = keys;
    cursor = p.next;
  }
}

/**
 * An export's query: from the list's first row (whatever page was on screen), as of one instant
 * (the one asked, or when the export began), so every page reads the list at that moment.
 */
export function exportAsOf<Q extends { now?: string; cursor?: string }>(query: Q): Q & { now: string; cursor: undefined } {
  return { ...query, cursor: undefined, now: query.now ?? new Date().toISOString() };
}

/** A list read in one query with `limit` = max + 1 (and its total, when known): refused when more than the max match. */
export function wholeList<R>(rows: readonly R[], total?: number, max = CSV_LIST_MAX_ROWS): readonly R[] {
  if (total !== undefined && total > max) throw exportTooLarge(total, max);
  if (rows.length > max) throw exportTooLarge(null, max);
  return rows;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Columns with one value on every row, after the row's own (the currency of a `value` column). */
export type CsvConstants = Record<string, string>;

function csvLines(columns: readonly string[], rows: readonly Record<string, unknown>[], constants: CsvConstants = {}): string {
  const fixed = Object.values(constants).map(csvCell);
  let out = '';
  for (const r of rows) out += [...columns.map((c) => csvCell(r[c])), ...fixed].join(',') + '\r\n';
  return out;
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[], constants: CsvConstants = {}): string {
  return [...columns, ...Object.keys(constants)].map(csvCell).join(',') + '\r\n' + csvLines(columns, rows, constants);
}

/** How an export ended: every row sent, or the rows sent before the client left or a read failed. */
export type ExportEnd = { rows: number } | { rows: number; aborted: true } | { rows: number; failed: string };

type EndHook = (end: ExportEnd) => Promise<void>;
const endHooks = new WeakMap<Response, (hook: EndHook) => void>();

/**
 * Calls `hook` once the export `res` has ended (its last byte is queued only after the hook
 * resolved, so a client holding the whole file finds it done). False when `res` is no export.
 */
export function onExportEnd(res: Response, hook: EndHook): boolean {
  const register = endHooks.get(res);
  register?.(hook);
  return register !== undefined;
}

async function* onePage<R>(rows: readonly R[]): AsyncGenerator<readonly R[], void, undefined> {
  yield rows;
}

const errorCode = (err: unknown): string => (err instanceof ApiError ? err.code : 'internal');

/**
 * A CSV download of `rows`: an array, or the pages of a streamed export (everyPage), with
 * `constants` as columns after the rows' own. The first
 * page is read before the response is made, so a refused or failing export is an error
 * response, not a file.
 */
export async function csvResponse(
  filename: string,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[] | AsyncIterable<readonly Record<string, unknown>[]>,
  constants: CsvConstants = {},
): Promise<Response> {
  const headers = {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
  };
  let hook: EndHook | undefined;
  let ended: ExportEnd | undefined;
  let settled: Promise<void> | undefined;
  const end = (e: ExportEnd): Promise<void> => {
    ended ??= e;
    settled ??= hook ? hook(ended) : Promise.resolve();
    return settled;
  };
  const register = (h: EndHook) => {
    hook = h;
    if (ended) settled = h(ended);
  };

  // a list already read is sent as one page, through the same stream (and the same end)
  const pages = (Symbol.asyncIterator in rows ? rows : onePage(rows))[Symbol.asyncIterator]();
  const first = await pages.next();
  const encoder = new TextEncoder();
  let sent = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      const firstRows = first.done ? [] : first.value;
      sent = firstRows.length;
      c.enqueue(encoder.encode(toCsv(columns, firstRows, constants)));
    },
    async pull(c) {
      try {
        const next = first.done ? first : await pages.next();
        // the client left while the page was read: cancel() has recorded where it stopped
        if (cancelled) return;
        if (next.done) {
          await end({ rows: sent }).catch(() => undefined);
          c.close();
          return;
        }
        c.enqueue(encoder.encode(csvLines(columns, next.value, constants)));
        sent += next.value.length;
      } catch (err) {
        if (cancelled) return;
        console.error(`[export] ${filename} failed after ${sent} rows:`, err);
        await end({ rows: sent, failed: errorCode(err) }).catch(() => undefined);
        c.error(err);
      }
    },
    async cancel() {
      cancelled = true;
      await end({ rows: sent, aborted: true }).catch(() => undefined);
      // stops the list's reading (after the page being read, if one is)
      await pages.return?.(undefined)?.catch(() => undefined);
    },
  }, { highWaterMark: 0 });
  const res = new Response(body, { status: 200, headers });
  endHooks.set(res, register);
  return res;
}
