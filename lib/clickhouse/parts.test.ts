// runParts: several SELECTs of different shapes in one query, each row back through its own
// schema: NULL, NaN (as null), 64-bit integers, and strings that need escaping survive.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Store } from './client';
import { sql } from './sql';
import { openTempStore } from '../testing/temp-store';
import { queryPart, runPart, runParts } from './parts';

let store: Store;
beforeAll(async () => {
  store = (await openTempStore()).store;
});
afterAll(async () => store?.close());

const hostile = 'quote " backslash \\ newline \n tab \t unicode ₵ 🧾 <script>';

describe('runParts', () => {
  it('returns each part its own rows, parsed with its schema', async () => {
    const r = await runParts(store, {
      numbers: queryPart({
        sql: sql`SELECT number AS n, toUInt64(number) * 4294967296 AS big, if(number = 1, nan, number / 2) AS half, if(number = 2, NULL, toString(number)) AS s FROM numbers(3)`,
        schema: z.object({ n: z.coerce.number(), big: z.coerce.bigint(), half: z.number().nullable(), s: z.string().nullable() }),
        then: (rows) => rows.sort((a, b) => a.n - b.n),
      }),
      text: queryPart({ sql: sql`SELECT ${hostile} AS t`, schema: z.object({ t: z.string() }), then: (rows) => rows.map((x) => x.t) }),
      none: queryPart({ sql: sql`SELECT 1 AS x WHERE 0`, schema: z.object({ x: z.number() }), then: (rows) => rows.length }),
    });
    expect(r.numbers).toEqual([
      { n: 0, big: 0n, half: 0, s: '0' },
      { n: 1, big: 4294967296n, half: null, s: '1' },
      { n: 2, big: 8589934592n, half: 1, s: null },
    ]);
    expect(r.text).toEqual([hostile]);
    expect(r.none).toBe(0);
  });

  it('runs the same parts each as its own query with the same results (runPart)', async () => {
    const parts = {
      numbers: queryPart({
        sql: sql`SELECT number AS n, toUInt64(number) * 4294967296 AS big, if(number = 1, nan, number / 2) AS half, if(number = 2, NULL, toString(number)) AS s FROM numbers(3)`,
        schema: z.object({ n: z.coerce.number(), big: z.coerce.bigint(), half: z.number().nullable(), s: z.string().nullable() }),
        then: (rows) => rows.sort((a, b) => a.n - b.n),
      }),
      grouped: queryPart({
        sql: sql`SELECT number % 2 AS k, count() AS c FROM numbers(4) GROUP BY GROUPING SETS ((k), ())`,
        schema: z.object({ k: z.coerce.number().nullable(), c: z.coerce.number() }),
        then: (rows) => rows.sort((a, b) => (a.k ?? -1) - (b.k ?? -1)),
      }),
      text: queryPart({ sql: sql`SELECT ${hostile} AS t`, schema: z.object({ t: z.string() }), then: (rows) => rows.map((x) => x.t) }),
    };
    const settings = sql`SETTINGS group_by_use_nulls = 1`;
    const each = Object.fromEntries(await Promise.all(Object.entries(parts).map(async ([n, p]) => [n, await runPart(store, p as never, { settings })])));
    expect(each).toEqual(await runParts(store, parts, { settings }));
    expect(each.grouped).toEqual([{ k: null, c: 4 }, { k: 0, c: 2 }, { k: 1, c: 2 }]);
    expect(each.numbers[1]).toEqual({ n: 1, big: 4294967296n, half: null, s: '1' });
  });

  it('keeps each part’s row order, and shares CTEs between parts', async () => {
    const r = await runParts(
      store,
      {
        down: queryPart({ sql: sql`SELECT n FROM nums ORDER BY n DESC LIMIT 500`, schema: z.object({ n: z.coerce.number() }), then: (rows) => rows.map((x) => x.n) }),
        total: queryPart({ sql: sql`SELECT sum(n) AS s FROM nums`, schema: z.object({ s: z.coerce.number() }), then: (rows) => rows[0].s }),
      },
      { with: sql`nums AS MATERIALIZED (SELECT number AS n FROM numbers(100000))`, settings: sql`SETTINGS enable_materialized_cte = 1, max_block_size = 64` },
    );
    expect(r.down).toEqual(Array.from({ length: 500 }, (_, i) => 99_999 - i));
    expect(r.total).toBe((99_999 * 100_000) / 2);
  });

  it('applies the settings to the whole query, and runs one part alone', async () => {
    const grouped = queryPart({
      sql: sql`SELECT number % 2 AS k, count() AS c FROM numbers(4) GROUP BY GROUPING SETS ((k), ())`,
      schema: z.object({ k: z.coerce.number().nullable(), c: z.coerce.number() }),
      then: (rows) => rows.sort((a, b) => (a.k ?? -1) - (b.k ?? -1)),
    });
    const expected = [{ k: null, c: 4 }, { k: 0, c: 2 }, { k: 1, c: 2 }];
    expect((await runParts(store, { grouped }, { settings: sql`SETTINGS group_by_use_nulls = 1` })).grouped).toEqual(expected);
    expect(await runPart(store, grouped, { settings: sql`SETTINGS group_by_use_nulls = 1` })).toEqual(expected);
  });
});
