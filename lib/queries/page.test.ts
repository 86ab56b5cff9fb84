// keysetPageSql against chDB: walking a list page by page gives its rows in order, each once
// (floats, timestamps and strings with ties, every record's second copy, each type in both
// directions), also when the list changes between two pages; a cursor that is not one of the
// list's is a 400.

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { join, sql, trustedSql, type Sql } from '../clickhouse/sql';
import { ApiError } from '../http/errors';
import { sharedTempStore } from '../testing/shared-temp-store';
import { keysetPage, keysetPageSql, pageKeyColumn, type SortKey } from './page';

let store: Store;
sharedTempStore((s) => (store = s));

// awkward floats (values a decimal round trip can miss, -0 and 0, ties) and timestamps a
// millisecond apart, names shared by several records ('' among them); a seventh of the
// records twice, as a snapshot's refresh leaves them
const records = (where: Sql = sql`1`) => sql`SELECT * FROM (
    SELECT concat('r', leftPad(toString(number), 3, '0')) AS id,
      [0.1, 0.30000000000000004, 1e-300, -0.0, 0.0, 123456.789, 9007199254740993.0, 2.5][number % 8 + 1] AS amount,
      fromUnixTimestamp64Milli(toInt64(1764000000000 + number % 5), 'UTC') AS at, number AS n,
      ['Acme', '', 'acme', 'Zeta AG', 'Ä'][number % 5 + 1] AS name
    FROM numbers(120)
    UNION ALL
    SELECT concat('r', leftPad(toString(number), 3, '0')), [0.1, 0.30000000000000004, 1e-300, -0.0, 0.0, 123456.789, 9007199254740993.0, 2.5][number % 8 + 1],
      fromUnixTimestamp64Milli(toInt64(1764000000000 + number % 5), 'UTC'), number, ['Acme', '', 'acme', 'Zeta AG', 'Ä'][number % 5 + 1]
    FROM numbers(120) WHERE number % 7 = 0) WHERE ${where}`;

const SORT: SortKey[] = [
  { col: sql`amount`, dir: 'DESC', type: 'Float64' },
  { col: sql`at`, dir: 'ASC', type: 'DateTime64' },
  { col: sql`id`, dir: 'ASC', type: 'String' },
];
const key = (col: string, dir: SortKey['dir'], type: SortKey['type']): SortKey => ({ col: sql`${trustedSql(col)}`, dir, type });
/** Orders with a descending string: first, between a tuple's columns, last, alone. */
const STRING_SORTS: SortKey[][] = [
  [key('name', 'DESC', 'String'), key('amount', 'ASC', 'Float64'), key('id', 'ASC', 'String')],
  [key('at', 'DESC', 'DateTime64'), key('name', 'DESC', 'String'), key('amount', 'DESC', 'Float64'), key('id', 'DESC', 'String')],
  [key('name', 'ASC', 'String'), key('id', 'DESC', 'String')],
  [key('id', 'DESC', 'String')],
];
const row = z.object({ id: z.string(), ...pageKeyColumn });

async function page(list: Sql, limit: number, cursor?: string, sort = SORT) {
  return keysetPage(await store.query(keysetPageSql(list, { sort, key: sql`id`, limit, cursor }), row), limit);
}

async function walk(limit: number, list = (_page: number) => records(), sort = SORT): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 200; i++) {
    const p = await page(list(i), limit, cursor, sort);
    ids.push(...p.items.map((r) => r.id));
    if (!p.next_cursor) return ids;
    cursor = p.next_cursor;
  }
  throw new Error('no last page');
}

async function inOrder(where: Sql = sql`1`, sort = SORT): Promise<string[]> {
  const order = join(sort.map((k) => sql`${k.col} ${trustedSql(k.dir)}`), ', ');
  const rows = await store.query(sql`${records(where)} ORDER BY ${order} LIMIT 1 BY id`, row.pick({ id: true }));
  return rows.map((r) => r.id);
}

describe('keysetPageSql', () => {
  it('walks every record once, in the list order, at any page size', async () => {
    const all = await inOrder();
    expect(all).toHaveLength(120);
    for (const limit of [1, 7, 50, 119, 120, 500]) expect(await walk(limit), `limit ${limit}`).toEqual(all);
  });

  it('walks orders with descending strings (not negatable in a tuple) as well', async () => {
    for (const sort of STRING_SORTS) {
      const all = await inOrder(sql`1`, sort);
      expect(all).toHaveLength(120);
      for (const limit of [1, 7, 50]) expect(await walk(limit, undefined, sort), `${JSON.stringify(sort.map((k) => k.dir))} limit ${limit}`).toEqual(all);
    }
  });

  it('neither skips nor repeats a record that stays in the list while it changes between pages', async () => {
    // from the third page on, a third of the records (some on the pages already read) are
    // gone, and a record that was not there appears ahead of the cursor
    const all = await inOrder();
    const ids = await walk(9, (p) => (p < 2 ? records() : sql`${records(sql`n % 3 != 0`)} UNION ALL SELECT 'r999', 1e9, now64(3, 'UTC'), 999, 'Acme'`));
    expect(ids.slice(0, 18)).toEqual(all.slice(0, 18));
    // then every record still there that sorts after the second page's last one (an offset
    // would skip as many as left before it)
    expect(ids.slice(18)).toEqual(all.slice(18).filter((id) => Number(id.slice(1)) % 3 !== 0));
  });

  it('refuses a cursor that is not one of the list\'s with a 400', async () => {
    const cursorOf = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
    const first = await page(records(), 3);
    const [amount, at] = JSON.parse(Buffer.from(first.next_cursor!, 'base64url').toString()) as string[];
    for (const bad of ['not-a-cursor', cursorOf([amount, at]), cursorOf(['0.5', at, 'r001']), cursorOf([amount, '2026-01-01', 'r001']), cursorOf({ o: 50 })]) {
      let err: unknown;
      try {
        keysetPageSql(records(), { sort: SORT, key: sql`id`, limit: 3, cursor: bad });
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(400);
    }
    // the cursor of a page is taken as it was given
    expect((await page(records(), 3, first.next_cursor!)).items).toHaveLength(3);
  });
});
