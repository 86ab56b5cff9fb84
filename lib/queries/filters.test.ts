// dealScope against deal_summary rows written directly: a deal matches a dimension filter when
// the greatest value its rows carry is the filter's (max(), as every deal-level read), also
// when only some of its rows carry it, and not when another row carries a greater one.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { openTempStore } from '../testing/temp-store';
import { dateParam, dealScope, filterValues, type Filters } from './filters';

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

describe('dateParam (from, to)', () => {
  const accepted = ['2026-03-01', '2024-02-29', '1900-01-01', '2299-12-31', '2026-03-01T09:00', '2026-03-01T09:00:00', '2026-03-01T09:00:00Z', '2026-03-01T23:59:59.999Z', '2026-03-01T09:00:00.123456789Z'];
  const refused = ['2026-02-30', '2025-02-29', '2026-13-45', '2026-00-10', '2026-03-00', '1899-12-31', '2300-01-01', '2026-03-01T24:00:00Z', '2026-03-01T09:60Z', '2026-03-01T09:00:60Z', '2026-03-01T9:00Z', '2026-03-01T09', '2026-03-01T09:00:00+02:00', '2026-03-01garbage', '01/03/2026', 'yesterday', ''];

  it('accepts real days and times, each of which the engine parses as the same instant', async () => {
    for (const v of accepted) {
      expect(dateParam.safeParse(v).success, v).toBe(true);
      const [row] = await store.query<{ t: string }>(sql`SELECT toString(parseDateTime64BestEffort(${v}, 3, 'UTC')) AS t`);
      const iso = `${v.slice(0, 10)}T${(v.slice(11).replace('Z', '') || '00:00').padEnd(8, ':00').slice(0, 8)}`;
      expect(row.t.replace(' ', 'T').slice(0, 19), v).toBe(iso);
    }
  });

  it('refuses days that do not exist, times out of range and other forms, saying what to send', () => {
    for (const v of refused) expect(dateParam.safeParse(v).success, v).toBe(false);
    expect(dateParam.safeParse('2026-02-30').error?.issues[0].message).toBe('must be a real day between 1900-01-01 and 2299-12-31 (not 2026-02-30), at a real time of day');
    expect(dateParam.safeParse('01/03/2026').error?.issues[0].message).toBe('must be a date YYYY-MM-DD or a UTC time such as 2026-03-01T09:00:00Z');
  });
});

describe('filterValues', () => {
  it('reads the filters of a URL in their order, without control characters (a NUL read back differently in the browser)', () => {
    const sp = new URLSearchParams('customer=Acme%00&region=%00&from=2026-03-01&x=1&practice=Ops%0A');
    expect(filterValues((k) => sp.get(k))).toEqual({ from: '2026-03-01', practice: 'Ops', customer: 'Acme' });
    expect(Object.keys(filterValues((k) => sp.get(k)))).toEqual(['from', 'practice', 'customer']);
  });
});
