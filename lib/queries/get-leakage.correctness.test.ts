// Correctness of revenue leakage on the hand-built book: every category's money and records.

import { describe, it, expect } from 'vitest';
import type { Store } from '../clickhouse/client';
import { withFixtureStore } from '../testing/fixture-store';
import { FIXTURE_NOW } from '../testing/q2c-fixture';
import { getLeakage } from './get-leakage';

let store: Store;
withFixtureStore((s) => (store = s));

const now = FIXTURE_NOW.toISOString();

describe('leakage on the hand-built book', () => {
  it('values every category in EUR', async () => {
    const r = await getLeakage(store, { now });
    expect(r.categories.map((c) => [c.category, c.count, c.value])).toEqual([
      ['unbilled_work', 2, 15750], // MS-C3 12000 GBP = 14400, TS-B1 1500 USD = 1350
      ['change_not_billed', 1, 4500], // CO-B1 5000 USD, TS-B3 approved after it
      ['invoice_mismatch', 1, 2400], // INV-C2 48000 GBP for MS-C2 50000 GBP
      ['integration_credits', 1, 1200], // CM-C1 1000 GBP
      ['cash_at_risk', 1, 16800], // INV-C1 14000 GBP open
    ]);
    expect(r.total).toBe(40650);
    // overdue receivables only (the unbilled items are 1–30 days late, but they are not receivables)
    expect(r.aging).toEqual([
      { bucket: '1-30', count: 0, value: 0 },
      { bucket: '31-60', count: 1, value: 16800 },
      { bucket: '61-90', count: 0, value: 0 },
      { bucket: '90+', count: 0, value: 0 },
    ]);
  });

  it('lists the exact records, most money first, with their deal and customer', async () => {
    const r = await getLeakage(store, { now });
    expect(r.records.map((x) => [x.category, x.entity_key, x.amount, x.currency, x.value, x.customer])).toEqual([
      ['cash_at_risk', 'erp:invoice:INV-C1', 14000, 'GBP', 16800, 'Initech'],
      ['unbilled_work', 'psa:milestone:MS-C3', 12000, 'GBP', 14400, 'Initech'],
      ['change_not_billed', 'cpq:change_order:CO-B1', 5000, 'USD', 4500, 'Globex'],
      ['invoice_mismatch', 'erp:invoice:INV-C2', 2000, 'GBP', 2400, 'Initech'],
      ['unbilled_work', 'psa:timesheet:TS-B1', 1500, 'USD', 1350, 'Globex'],
      ['integration_credits', 'erp:credit_memo:CM-C1', 1000, 'GBP', 1200, 'Initech'],
    ]);
    expect(new Set(r.records.map((x) => x.correlation_id)).size).toBe(2);
    const one = await getLeakage(store, { now, category: 'invoice_mismatch' });
    expect(one.records.map((x) => x.detail)).toEqual(['invoiced 48000.00, delivered 50000.00']);
  });

  it('filters by dimension', async () => {
    const r = await getLeakage(store, { now, region: 'NA' });
    expect(r.total).toBe(5850);
  });
});
