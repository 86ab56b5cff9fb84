// Pagination. Lists page by keyset: the cursor holds the last row's sort values
// (keysetPageSql), so a page reads what follows it, not every row before, and a list that
// changes between two pages neither skips nor repeats a record that stayed in it. (A stuck
// queue sorted by hours late, which grow with the clock, carries its first page's instant in
// its cursor: lib/queries/get-stuck-items.ts.) One extra row is fetched to know whether
// another page follows. A cursor that does not decode is a 400.

import { z } from 'zod';
import { join, param, sql, type Sql } from '../clickhouse/sql';
import { errors } from '../http/errors';
import { decodeCursor, encodeCursor } from './cursor';

/** The largest page the integration lists serve (an export walks them at this size). */
export const PAGE_LIMIT_MAX = 500;

/**
 * The first `limit` rows of a list read from a snapshot (lib/clocks), each record once. A
 * refresh writes a deal's new rows before it deletes the old ones, so for that moment a record
 * can be there twice, and a page keyed by record (React) would keep a stale row. The page is
 * cut from twice its rows (a record has at most two copies), then `LIMIT 1 BY` the record:
 * LIMIT BY over every row would sort them all (stuck items at 9.4M events: 440 vs 120 ms).
 * `rows`: a SELECT without ORDER BY or LIMIT; `order` and `key` name its output columns.
 */
function distinctRowsSql(rows: Sql, o: { order: Sql; key: Sql; limit: number }): Sql {
  return sql`SELECT * FROM (${rows} ORDER BY ${o.order} LIMIT ${2 * o.limit})
    ORDER BY ${o.order} LIMIT 1 BY ${o.key} LIMIT ${o.limit}`;
}

/** How a sort column's value travels in a keyset cursor: exactly, as text ClickHouse gives back. */
export type SortKeyType = 'String' | 'Float64' | 'DateTime64';
/** One column of a keyset order: `col` names an output column of the list's rows. */
export interface SortKey {
  col: Sql;
  dir: 'ASC' | 'DESC';
  type: SortKeyType;
}

/** The longest keyset cursor a list takes (a few keys of records and their sort values). */
export const KEYSET_CURSOR_MAX = 1000;
/** A keyset list's `cursor` parameter. */
export const keysetCursorParam = z
  .string()
  .max(KEYSET_CURSOR_MAX)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by a previous page');

/** A keyset list's page: its size and the cursor of the page before's `next_cursor`. */
export const pageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(50),
  cursor: keysetCursorParam.optional(),
});

// A row's sort values as text that converts back to the same value: a float as its bits
// (exact by construction, not by a decimal's round trip through two float printers and
// parsers), a timestamp as its milliseconds
function keyText(k: SortKey): Sql {
  if (k.type === 'Float64') return sql`toString(reinterpretAsUInt64(toFloat64(${k.col})))`;
  if (k.type === 'DateTime64') return sql`toString(toUnixTimestamp64Milli(${k.col}))`;
  return sql`toString(${k.col})`;
}

function keyValue(k: SortKey, text: string): Sql {
  const bad = () => errors.badRequest('invalid cursor');
  if (k.type === 'Float64') {
    if (!/^\d{1,20}$/.test(text)) throw bad();
    return sql`reinterpretAsFloat64(${param('UInt64', text)})`;
  }
  if (k.type === 'DateTime64') {
    if (!/^-?\d{1,15}$/.test(text)) throw bad();
    return sql`fromUnixTimestamp64Milli(${param('Int64', Number(text))}, 'UTC')`;
  }
  return sql`${param('String', text)}`;
}

/** The cursor's row's sort values, as SQL values of their columns' types (a cursor not of this order: 400). */
export function keysetCursorValues(sort: readonly SortKey[], cursor: string): Sql[] {
  const values = decodeCursor(cursor, z.array(z.string().max(KEYSET_CURSOR_MAX)).length(sort.length));
  return sort.map((k, i) => keyValue(k, values[i]));
}

/**
 * Rows after the cursor's row in the order `sort`. Runs of columns that can share a tuple
 * (ascending ones, and descending numbers or timestamps negated) are compared as one tuple; a
 * descending string, which cannot be negated, splits them:
 * `(run) > (values) OR ((run) = (values) AND (s < value OR (s = value AND …)))`. The same test
 * as an OR of ANDs, one per column, took ~110 of ~270 ms of a 5,000-record leakage page at 1M
 * events; the tuple ~15. The first column's bound (`>=` or `<=` its value), which the
 * comparison implies, is stated on its own too: a table sorted by that column reads only the
 * parts past it.
 */
function afterCursor(sort: readonly SortKey[], cursor: string): Sql {
  const v = keysetCursorValues(sort, cursor);
  const negated = (k: SortKey, x: Sql): Sql | null => {
    if (k.dir === 'ASC') return x;
    if (k.type === 'DateTime64') return sql`-toUnixTimestamp64Milli(${x})`;
    if (k.type === 'Float64') return sql`-${x}`;
    return null;
  };
  const after = (from: number): Sql => {
    const k = sort[from];
    if (negated(k, k.col) === null) {
      const rest = from + 1 < sort.length ? after(from + 1) : null;
      return rest ? sql`(${k.col} < ${v[from]} OR (${k.col} = ${v[from]} AND ${rest}))` : sql`${k.col} < ${v[from]}`;
    }
    let end = from;
    while (end < sort.length && negated(sort[end], sort[end].col) !== null) end++;
    const cols = join(sort.slice(from, end).map((x) => negated(x, x.col)!), ', ');
    const values = join(sort.slice(from, end).map((x, i) => negated(x, v[from + i])!), ', ');
    if (end === sort.length) return sql`(${cols}) > (${values})`;
    return sql`((${cols}) > (${values}) OR ((${cols}) = (${values}) AND ${after(end)}))`;
  };
  const first = sort[0];
  const bound = first.dir === 'ASC' ? sql`${first.col} >= ${v[0]}` : sql`${first.col} <= ${v[0]}`;
  return sql`${bound} AND ${after(0)}`;
}

/**
 * One page of a list read from a snapshot, keyset-paginated: the `limit` rows that follow the
 * cursor's row in `sort` (which must be a total order over the list's records), each record
 * once (distinctRowsSql), with one more to tell whether a page follows, and `page_key`:
 * on the `limit`-th row its sort values (keysetPage makes the next cursor of them), else
 * empty. A page reads and sorts the rows after the cursor, not every row before it, and a
 * list that changes between two pages neither skips nor repeats a record that stayed in it.
 * `rows`: a SELECT without ORDER BY or LIMIT; `sort` and `key` name its output columns.
 */
export function keysetPageSql(rows: Sql, o: { sort: readonly SortKey[]; key: Sql; limit: number; cursor?: string }): Sql {
  const order = join(o.sort.map((k) => sql`${k.col} ${k.dir === 'DESC' ? sql`DESC` : sql`ASC`}`), ', ');
  const after = o.cursor ? afterCursor(o.sort, o.cursor) : sql`1`;
  // the sort values as text for the page's last row alone, the one its cursor needs (made
  // for every row, they cost ~40 ms more of a 5,000-record leakage page at 1M events)
  const page = distinctRowsSql(sql`SELECT * FROM (${rows}) WHERE ${after}`, { order, key: o.key, limit: o.limit + 1 });
  return sql`SELECT *, if(row_number() OVER (ORDER BY ${order}) = ${o.limit}, [${join(o.sort.map(keyText), ', ')}], []) AS page_key
    FROM (${page}) ORDER BY ${order}`;
}

/** The page of keysetPageSql's rows (`limit` asked) and the cursor of the page after it (null after the last). */
export function keysetPage<T extends { page_key: string[] }>(rows: T[], limit: number): { items: Omit<T, 'page_key'>[]; next_cursor: string | null } {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  if (rows.length > limit && last && last.page_key.length === 0) throw new Error('keysetPage: the page\'s last row has no page_key (rows not in the order keysetPageSql returns them?)');
  return {
    items: shown.map(({ page_key: _k, ...r }) => r),
    next_cursor: rows.length > limit && last ? encodeCursor(last.page_key) : null,
  };
}

/** The page_key column keysetPageSql adds to a list's rows. */
export const pageKeyColumn = { page_key: z.array(z.string()) };
