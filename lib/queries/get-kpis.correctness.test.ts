// Correctness of the executive KPIs and the cash waterfall on the hand-built book.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Store } from '../clickhouse/client';
import { openTempStore } from '../testing/temp-store';
import { loadFixture } from '../testing/load-fixture';
import { FIXTURE_NOW } from '../testing/q2c-fixture';
import { comparable, getKpis, MIN_COMPARABLE_N } from './get-kpis';
import type { KpisResponse } from '../contracts/kpis';
import { z } from 'zod';
import { sql } from '../clickhouse/sql';
import { clockReader } from '../clocks/read';
import { builtClocks, forgetBuilds } from '../clocks/build';

let store: Store;
let r: KpisResponse;
beforeAll(async () => {
  store = (await openTempStore()).store;
  const loaded = await loadFixture(store);
  expect(loaded.duplicates).toBe(1);
  r = await getKpis(store, { from: '2026-01-01', to: '2026-04-10', now: FIXTURE_NOW.toISOString() });
});
afterAll(async () => store?.close());

const kpi = (id: string) => r.kpis.find((k) => k.id === id)!;
const d = (days: number, hours = 0) => Math.round((days + hours / 24) * 10000) / 10000;

describe('KPIs on the hand-built book', () => {
  it('covers the window and the previous period of the same length', () => {
    expect(r.window).toEqual({ from: '2026-01-01', to: '2026-04-10', previous_from: '2025-09-23', bucket: 'week' });
  });

  // p50/p90 are exact nearest-rank quantiles (ClickHouse quantileExact: element floor(q·n) of the sorted values)
  it.each([
    // [kpi, n, p50, p90]
    ['quote_to_project', 3, 50, 72], // C 48 h, A 50 h, B 72 h
    ['contract_to_billing_setup', 2, 47, 47], // C 27 h, A 47 h
    ['quote_to_cash', 2, 30, 30], // A 28 d 23 h, C 30 d (PAY-C1)
    ['milestone_to_invoice', 3, d(6, 23), 8], // MS-C1 3 d, MS-A1 6 d 23 h, MS-C2 8 d
    ['invoice_to_cash', 2, 20, 20], // INV-A1 5 d, INV-C2 20 d (paid by the payment that arrived before it)
    ['payment_application_lag', 3, 2, 25], // PAY-C1 2 h, PAY-C3 2 h, PAY-A1 25 h
  ])('%s: n=%d p50=%d p90=%d', (id, n, p50, p90) => {
    expect([kpi(id).n, kpi(id).p50, kpi(id).p90, kpi(id).value]).toEqual([n, p50, p90, p50]);
  });

  it('rates and shares', () => {
    expect(kpi('integration_failure_rate')).toMatchObject({ n: 4, value: 0.75 }); // SY-1, SY-2, SY-4 failed; SY-3 succeeded
    expect(kpi('invoice_exception_rate')).toMatchObject({ n: 4, value: 0.25 }); // INV-C1 credited
    expect(kpi('time_billed_within_sla')).toMatchObject({ n: 2, value: 0.5 }); // TS-B2 billed in time, TS-B1 late
    expect(kpi('integration_mttr')).toMatchObject({ n: 1, value: 2 }); // MS-C2 → ERP recovered after 2 h
    expect(kpi('traceability')).toMatchObject({ n: 5, value: 1 });
  });

  it('DSO: open receivables ÷ invoiced × days, in EUR', () => {
    // invoiced 40000 + 2700 + 36000 + 57600 = 136300; open 2700 (INV-B1) + 16800 (INV-C1) = 19500; 100 days
    expect(kpi('dso').value).toBe(Math.round((19500 / 136300) * 100 * 100) / 100);
    expect(kpi('dso').previous).toBeNull();
  });

  it('DSO trend: at the end of each week, open receivables ÷ invoiced over the 100 days before it', () => {
    const t = kpi('dso').trend;
    expect(t[0].bucket).toBe('2025-12-29'); // the week of 2026-01-01
    expect(t.length).toBe(15); // weeks from 2025-12-29 to the one of 2026-04-10
    // nothing invoiced in the 100 days before 2026-02-23 (INV-C1's day): no figure
    expect(t.find((p) => p.bucket === '2026-02-16')).toMatchObject({ value: null, n: 0 });
    // the week of 2026-03-02, to 03-09: INV-C1 (36000) invoiced; open 36000 − PAY-C1 12000 = 24000
    expect(t.find((p) => p.bucket === '2026-03-02')).toMatchObject({ value: Math.round((24000 / 36000) * 100 * 100) / 100, n: 1 });
    // the last week ends with the window: the headline
    expect(t[t.length - 1]).toMatchObject({ value: kpi('dso').value, n: kpi('dso').n });
  });

  it('has a weekly trend, targets and no previous figures before the book began', () => {
    const q = kpi('quote_to_project');
    expect(q.trend.map((t) => [t.bucket, t.value])).toEqual([['2026-02-02', 48], ['2026-03-02', 50], ['2026-03-09', 72]]);
    expect(q.target).toBe(48);
    expect(q.previous).toBeNull();
    expect(q.change).toBeNull();
  });

  it('has a daily trend up to 31 days, each day as that day alone reads', async () => {
    const march = await getKpis(store, { from: '2026-03-01', to: '2026-03-25', now: FIXTURE_NOW.toISOString() });
    expect(march.window.bucket).toBe('day');
    let points = 0;
    for (const id of ['quote_to_project', 'milestone_to_invoice', 'invoice_to_cash', 'integration_failure_rate'] as const) {
      const k = march.kpis.find((x) => x.id === id)!;
      expect(k.trend.reduce((n, t) => n + t.n, 0), id).toBe(k.n);
      for (const t of k.trend) {
        const alone = (await getKpis(store, { from: t.bucket, to: t.bucket, now: FIXTURE_NOW.toISOString() })).kpis.find((x) => x.id === id)!;
        expect([t.bucket, t.value, t.n], id).toEqual([t.bucket, alone.value, alone.n]);
        points++;
      }
    }
    expect(points).toBeGreaterThan(4);
  });

  it('reads the previous figures as the previous period alone reads, and compares only periods that hold enough', async () => {
    const now = FIXTURE_NOW.toISOString();
    const march = await getKpis(store, { from: '2026-03-01', to: '2026-03-25', now });
    const dayBefore = new Date(Date.parse(`${march.window.from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const before = await getKpis(store, { from: march.window.previous_from, to: dayBefore, now });
    let measured = 0;
    for (const k of march.kpis) {
      const alone = before.kpis.find((x) => x.id === k.id)!;
      expect([k.id, k.previous, k.previous_n], k.id).toEqual([k.id, alone.value, alone.n]);
      if (k.previous_n > 0) measured++;
      // the book holds a handful of measurements per period: never enough to compare
      expect(k.change, k.id).toBeNull();
    }
    expect(measured).toBeGreaterThan(3);
  });

  it('compares periods only when the previous one holds enough measurements', () => {
    expect(comparable(40, MIN_COMPARABLE_N)).toBe(true);
    expect(comparable(40, MIN_COMPARABLE_N - 1)).toBe(false);
    // history began inside the previous period: far fewer measurements there
    expect(comparable(700, 60)).toBe(false);
    expect(comparable(700, 175)).toBe(true);
  });

  it('cash waterfall in EUR and per currency (the duplicate payment counted once)', () => {
    expect(r.waterfall).toEqual([
      { stage: 'booked', value: 261000 },
      { stage: 'provisioned', value: 241000 },
      { stage: 'delivered', value: 215125 },
      { stage: 'invoiced', value: 136300 },
      { stage: 'collected', value: 115600 },
    ]);
    const gbp = r.waterfall_by_currency.filter((x) => x.currency === 'GBP').map((x) => x.amount);
    expect(gbp).toEqual([80000, 80000, 92000, 78000, 63000]);
    const usd = r.waterfall_by_currency.filter((x) => x.currency === 'USD').map((x) => x.amount);
    expect(usd).toEqual([50000, 50000, 5250, 3000, 0]);
  });

  it('breaks down by region and billing model', () => {
    expect(r.breakdowns.region).toEqual([
      { value: 'EMEA', deals: 3, booked: 216000, invoiced: 133600, collected: 115600, quote_to_cash_p50: 30 },
      { value: 'NA', deals: 1, booked: 45000, invoiced: 2700, collected: 0, quote_to_cash_p50: null },
    ]);
    expect(r.breakdowns.billing_model.map((b) => [b.value, b.deals])).toEqual([['milestone', 2], ['time_and_materials', 1], ['fixed_fee', 1]]);
  });

  it('filters by dimension', async () => {
    const na = await getKpis(store, { from: '2026-01-01', to: '2026-04-10', now: FIXTURE_NOW.toISOString(), region: 'NA' });
    expect(na.waterfall.map((x) => x.value)).toEqual([45000, 45000, 4725, 2700, 0]);
    expect(na.kpis.find((k) => k.id === 'quote_to_project')!.p50).toBe(72);
  });

  it('DSO skips invoices settled before the periods by the key, with the same open receivables', async () => {
    const read = await clockReader(store);
    const open = async (t: Date, openFrom?: Date) =>
      (await store.query(
        sql`SELECT count() AS n, round(sumIf(if(detail = 'invoice', value, -value), at < ${t} AND anchor < ${t}), 2) AS open
          FROM ${read.findings('receivables', { filters: {}, now: FIXTURE_NOW, aggregate: true, openFrom })}`,
        z.object({ n: z.coerce.number(), open: z.number() }),
      ))[0];
    let skipped = 0;
    for (let t = Date.parse('2026-01-15T00:00:00Z'); t <= FIXTURE_NOW.getTime(); t += 7 * 86_400_000) {
      const [all, some] = [await open(new Date(t)), await open(new Date(t), new Date(t))];
      expect(some.open, new Date(t).toISOString()).toBe(all.open);
      skipped = Math.max(skipped, all.n - some.n);
    }
    expect(skipped).toBeGreaterThan(0);
  });

  // the figures above were read from the clocks' snapshot (built when the book was loaded); forgotten, the events answer
  it('gives the same figures from the events as from the clocks snapshot', async () => {
    expect((await builtClocks(store)).size).toBeGreaterThan(20);
    await forgetBuilds(store);
    expect((await builtClocks(store)).size).toBe(0);
    const params = { from: '2026-01-01', to: '2026-04-10', now: FIXTURE_NOW.toISOString() };
    expect(await getKpis(store, params)).toEqual(r);
    const na = await getKpis(store, { ...params, region: 'NA' });
    expect(na.waterfall.map((x) => x.value)).toEqual([45000, 45000, 4725, 2700, 0]);
    // before the first signature: an empty cohort
    const early = await getKpis(store, { ...params, now: '2026-01-05T00:00:00Z' });
    expect(early.waterfall.every((x) => x.value === 0)).toBe(true);
  });
});
