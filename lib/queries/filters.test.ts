// dealScope against deal_summary rows written directly: a deal matches a dimension filter when
// the greatest value its rows carry is the filter's (max(), as every deal-level read), also
// when only some of its rows carry it, and not when another row carries a greater one.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { openTempStore } from '../testing/temp-store';
import { dealScope, type Filters } from './filters';

let store: Store;
beforeAll(async () => {
  store = (await openTempStore()).store;
  const rows: [string, string, string][] = [
    ['d1', 'Acme', 'EMEA'],
    ['d1', '', ''],
    ['d2', 'Acme', 'EMEA'],
    ['d2', 'Zeta', ''], // max(customer) = Zeta
    ['d3', 'Zeta', 'NA'],
    ['d4', '', 'NA'],
  ];
  for (const [id, customer, region] of rows) {
    await store.command(sql`INSERT INTO deal_summary (correlation_id, events, customer, region) VALUES (${id}, 1, ${customer}, ${region})`);
  }
});
afterAll(async () => store?.close());

const scoped = async (f: Filters) =>
  (await store.query<{ id: string }>(sql`SELECT DISTINCT correlation_id AS id FROM deal_summary WHERE ${dealScope(f)} ORDER BY id`)).map((r) => r.id);

describe('dealScope', () => {
  it('keeps the deals whose greatest value is the filter’s', async () => {
    expect(await scoped({ customer: 'Acme' })).toEqual(['d1']);
    expect(await scoped({ customer: 'Zeta' })).toEqual(['d2', 'd3']);
    expect(await scoped({ region: 'NA' })).toEqual(['d3', 'd4']);
    expect(await scoped({ region: 'EMEA', customer: 'Zeta' })).toEqual(['d2']);
    expect(await scoped({ region: 'NA', customer: 'Acme' })).toEqual([]);
    expect(await scoped({ customer: 'nobody' })).toEqual([]);
    expect(await scoped({})).toEqual(['d1', 'd2', 'd3', 'd4']);
  });
});
