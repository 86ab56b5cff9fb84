// Correctness of the stuck queues against the hand-built book (lib/testing/q2c-fixture.ts):
// every item, its lateness in business or calendar hours and its money are known in advance.

import { describe, it, expect } from 'vitest';
import type { Store } from '../clickhouse/client';
import { withFixtureStore } from '../testing/fixture-store';
import { FIXTURE_NOW } from '../testing/q2c-fixture';
import { getStuckItems, lastEvents } from './get-stuck-items';
import { getStuckSummary } from './get-stuck-summary';

let store: Store;
withFixtureStore((s) => (store = s));

const now = FIXTURE_NOW.toISOString();

// rule → [entity_key, late_hours, amount, currency, value (EUR), aging bucket]
const EXPECTED: Record<string, [string, number, number, string, number, string][]> = {
  // quote Thu 04-02 09:00 → now: 15 h + (Good Friday, weekend, Easter Monday) + 3×24 + 12 = 99 h; 99 − 48
  'approved-not-provisioned': [['cpq:quote:Q-D', 51, 20000, 'EUR', 20000, '1-30']],
  // US calendar, no holidays: Thu 03-12 09:00 → 15 + 20 weekdays × 24 + 12 = 507 h; 507 − 24
  'signed-not-in-erp': [['clm:contract:CTR-B', 483, 50000, 'USD', 45000, '1-30']],
  // Fri 03-13 09:00 → 15 + 19 × 24 + 12 = 483 h; 483 − 72
  'provisioned-not-billable': [['psa:project:PRJ-B', 411, 50000, 'USD', 45000, '1-30']],
  // UK: Tue 03-31 09:00 → 15 + 24 + 24 + (Easter) + 72 + 12 = 147 h; 147 − 120. MS-A2 (98 h over Easter) is not late.
  'milestone-not-invoiced': [['psa:milestone:MS-C3', 27, 12000, 'GBP', 14400, '1-30']],
  // period end 03-06 + 35 calendar days = 04-10 00:00; now is 12 h later
  'time-not-billed': [['psa:timesheet:TS-B1', 12, 1500, 'USD', 1350, '1-30']],
  // Tue 04-07 09:00 → 15 + 24 + 24 + 12 = 75 h; 75 − 48
  'change-not-reflected': [['cpq:change_order:CO-B1', 27, 5000, 'USD', 4500, '1-30']],
  // 30000 − 10000 − 5000 (PAY-C1 delivered twice, counted once) − 1000 credit = 14000 open; due 03-09, 32.5 days late
  'invoice-not-collected': [['erp:invoice:INV-C1', 780, 14000, 'GBP', 16800, '31-60']],
  // UK: Fri 03-20 10:00 → 14 + 120 + 96 + (Easter) + 72 + 12 = 314 h; 314 − 24
  'payment-not-applied': [['payments:payment:PAY-C2', 290, 5000, 'GBP', 6000, '1-30']],
  // failed at 08:00, never recovered: 4 h; 4 − 1
  'sync-failed-unrecovered': [['erp:invoice:INV-C1>crm', 3, 30000, 'GBP', 36000, '1-30']],
};

describe('stuck queues on the hand-built book', () => {
  for (const [rule, expected] of Object.entries(EXPECTED)) {
    it(`${rule}: exactly the expected items`, async () => {
      const r = await getStuckItems(store, { rule: rule as never, now, from: '2026-01-01', to: '2026-04-10' });
      expect(r.total).toBe(expected.length);
      expect(
        r.items.map((i) => [i.entity_key, Math.round(i.late_hours * 1000) / 1000, i.amount, i.currency, i.value, i.aging_bucket]),
      ).toEqual(expected);
      for (const i of r.items) {
        expect(i.id).toBe(`${rule}:${i.entity_key}`);
        expect(i.state).toBe('open');
        expect(i.last_event_type).not.toBe('');
      }
    });
  }

  it('summarises every queue with counts, money and aging', async () => {
    const s = await getStuckSummary(store, { now });
    const byRule = Object.fromEntries(s.queues.map((q) => [q.rule, q]));
    for (const [rule, expected] of Object.entries(EXPECTED)) {
      expect(byRule[rule].count).toBe(expected.length);
      expect(byRule[rule].value).toBe(expected.reduce((t, x) => t + x[4], 0));
    }
    expect(byRule['invoice-not-collected'].buckets.find((b) => b.bucket === '31-60')).toEqual({ bucket: '31-60', count: 1, value: 16800 });
    expect(byRule['approved-not-provisioned'].owner).toBe('PMO');
  });

  it('filters by deal dimension and searches customer and record keys', async () => {
    const na = await getStuckItems(store, { now, region: 'NA' });
    expect(na.items.map((i) => i.id).sort()).toEqual([
      'change-not-reflected:cpq:change_order:CO-B1',
      'provisioned-not-billable:psa:project:PRJ-B',
      'signed-not-in-erp:clm:contract:CTR-B',
      'time-not-billed:psa:timesheet:TS-B1',
    ]);
    const q = await getStuckItems(store, { now, q: 'umbrel' });
    expect(q.items.map((i) => i.id)).toEqual(['approved-not-provisioned:cpq:quote:Q-D']);
    const key = await getStuckItems(store, { now, q: 'PAY-C2' });
    expect(key.items.map((i) => i.id)).toEqual(['payment-not-applied:payments:payment:PAY-C2']);
  });

  it('sorts by money at risk and paginates with a cursor', async () => {
    const first = await getStuckItems(store, { now, sort: 'value', dir: 'desc', limit: 4 });
    expect(first.total).toBe(9);
    expect(first.items.map((i) => i.value)).toEqual([45000, 45000, 36000, 20000]);
    const second = await getStuckItems(store, { now, sort: 'value', dir: 'desc', limit: 4, cursor: first.next_cursor! });
    expect(second.items.map((i) => i.value)).toEqual([16800, 14400, 6000, 4500]);
    const third = await getStuckItems(store, { now, sort: 'value', dir: 'desc', limit: 4, cursor: second.next_cursor! });
    expect(third.items.map((i) => i.value)).toEqual([1350]);
    expect(third.next_cursor).toBeNull();
  });

  it('makes thresholds configurable', async () => {
    const r = await getStuckItems(store, { now, rule: 'approved-not-provisioned', thresholds: { 'approved-not-provisioned': 24 } });
    // with 1 business day, Deal E (27 business hours since Thursday's approval) is late too
    expect(r.items.map((i) => [i.entity_key, i.late_hours])).toEqual([
      ['cpq:quote:Q-D', 75],
      ['cpq:quote:Q-E', 3],
    ]);
  });

  it("reads the latest event of an export page's deals in parts a server takes (5,000 deals' ids are over its 128 KiB a parameter)", async () => {
    const many = Array.from({ length: 5_000 }, (_, i) => `crm:opportunity:OPP-NOT-A-REAL-DEAL-${String(i).padStart(6, '0')}`);
    const last = await lastEvents(store, [...many, 'crm:opportunity:OPP-A'], FIXTURE_NOW);
    expect([...last.keys()]).toEqual(['crm:opportunity:OPP-A']);
    expect(last.get('crm:opportunity:OPP-A')!.type).not.toBe('');
  });
});
