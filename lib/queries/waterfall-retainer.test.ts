// The cash waterfall's "delivered" for a retainer: it has no delivery events, its months are
// delivered as they are billed; other billing models deliver by their milestones and time.
// And a currency without a rate: named, until CASHTRACE_FX_RATES gives it one; and every
// total in another reporting currency (CASHTRACE_REPORTING_CURRENCY), the clocks' too; and
// KPI targets of the firm's own (CASHTRACE_KPI_TARGETS).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { openTempStore } from '../testing/temp-store';
import { IngestWriter } from '../ingest/writer';
import { ev } from '../testing/events';
import { forgetBuilds } from '../clocks/build';
import { getKpis } from './get-kpis';
import { getStuckSummary } from './get-stuck-summary';
import { resetEnvForTests } from '../env';

const NOW = '2026-04-20T12:00:00Z';
const dims = (billing_model: string) => ({ customer: 'Acme', region: 'EMEA', practice: 'Advisory', legal_entity: 'Acme BV', billing_model });

function deal(tag: string, billingModel: string, value: number, later: Parameters<typeof ev>[0][]) {
  const at = (d: number) => new Date(Date.UTC(2026, 1, 2 + d, 10)).toISOString();
  const opp = `crm:opportunity:OPP-${tag}`;
  return [
    ev({ source: 'crm', type: 'opportunity.won', entity_type: 'opportunity', entity_id: `OPP-${tag}`, amount: value, currency: 'EUR', occurred_at: at(0), attributes: dims(billingModel) }),
    ev({ source: 'clm', type: 'contract.signed', entity_type: 'contract', entity_id: `CTR-${tag}`, refs: [opp], amount: value, currency: 'EUR', occurred_at: at(1) }),
    ev({ source: 'psa', type: 'project.provisioned', entity_type: 'project', entity_id: `PRJ-${tag}`, refs: [`clm:contract:CTR-${tag}`], occurred_at: at(2) }),
    ...later.map((l, i) => ev({ currency: 'EUR', occurred_at: at(10 + 30 * i), ...l })),
  ];
}

let store: Store;
beforeAll(async () => {
  store = (await openTempStore()).store;
  const writer = await IngestWriter.open(store);
  const inv = (tag: string, n: number, amount: number, refs: string[]) => ({ source: 'erp' as const, type: 'invoice.issued' as const, entity_type: 'invoice', entity_id: `INV-${tag}-${n}`, refs, amount });
  await writer.write([
    // A 12-month retainer of 120,000: three months billed, one paid.
    ...deal('R', 'retainer', 120_000, [
      inv('R', 1, 10_000, ['crm:opportunity:OPP-R']),
      inv('R', 2, 10_000, ['crm:opportunity:OPP-R']),
      inv('R', 3, 10_000, ['crm:opportunity:OPP-R']),
      { source: 'payments', type: 'payment.received', entity_type: 'payment', entity_id: 'PAY-R1', refs: ['erp:invoice:INV-R-1'], amount: 10_000 },
    ]),
    // A milestone deal of 50,000: one milestone of 20,000 delivered, 15,000 of it invoiced.
    ...deal('M', 'milestone', 50_000, [
      { source: 'psa', type: 'milestone.completed', entity_type: 'milestone', entity_id: 'MS-M1', refs: ['psa:project:PRJ-M'], amount: 20_000 },
      inv('M', 1, 15_000, ['psa:milestone:MS-M1', 'crm:opportunity:OPP-M']),
    ]),
  ]);
  await writer.settled();
});
afterAll(async () => store?.close());

const stages = async () => {
  const r = await getKpis(store, { from: '2026-01-01', to: '2026-04-20', now: NOW });
  return Object.fromEntries(r.waterfall.map((w) => [w.stage, w.value]));
};

describe('cash waterfall: delivered', () => {
  it('counts a retainer as delivered as it is billed, the others by their delivery events', async () => {
    const expected = { booked: 170_000, provisioned: 170_000, delivered: 30_000 + 20_000, invoiced: 45_000, collected: 10_000 };
    expect(await stages()).toEqual(expected);
    const byModel = async (billing_model: string) =>
      (await getKpis(store, { from: '2026-01-01', to: '2026-04-20', now: NOW, billing_model })).waterfall.map((w) => w.value);
    expect(await byModel('retainer')).toEqual([120_000, 120_000, 30_000, 30_000, 10_000]);
    expect(await byModel('milestone')).toEqual([50_000, 50_000, 20_000, 15_000, 0]);
    // the same read from the events as from the clocks' snapshot
    await forgetBuilds(store);
    expect(await stages()).toEqual(expected);
  });

  it('names a currency without a rate (counted 1:1), and converts it once a rate is configured', async () => {
    const writer = await IngestWriter.open(store);
    const aud = deal('A', 'milestone', 10_000, []).map((e) => ({ ...e, currency: 'AUD' }));
    await writer.write(aud);
    await writer.settled();
    const read = () => getKpis(store, { from: '2026-01-01', to: '2026-04-20', now: NOW });
    const before = await read();
    expect(before.unpriced_currencies).toEqual(['AUD']);
    expect(before.waterfall[0]).toEqual({ stage: 'booked', value: 180_000 });
    process.env.CASHTRACE_FX_RATES = 'AUD=0.6';
    resetEnvForTests();
    try {
      const after = await read();
      expect(after.unpriced_currencies).toEqual([]);
      expect(after.waterfall[0]).toEqual({ stage: 'booked', value: 176_000 });
    } finally {
      delete process.env.CASHTRACE_FX_RATES;
      resetEnvForTests();
    }
  });

  it('reports every total in another currency once it is configured, the stuck queues (the clocks) too', async () => {
    // the deals so far: EUR 170,000 and AUD 10,000 booked, all of them provisioned with no billing schedule
    const read = async () => {
      const [k, s] = await Promise.all([getKpis(store, { from: '2026-01-01', to: '2026-04-20', now: NOW }), getStuckSummary(store, { now: NOW })]);
      return { currency: k.reporting_currency, booked: k.waterfall[0].value, stuck: s.queues.find((q) => q.rule === 'provisioned-not-billable')!, stuckCurrency: s.reporting_currency };
    };
    process.env.CASHTRACE_FX_RATES = 'AUD=0.6';
    resetEnvForTests();
    const eur = await read();
    expect(eur).toMatchObject({ currency: 'EUR', booked: 176_000, stuckCurrency: 'EUR', stuck: { count: 3, value: 176_000 } });
    // in US dollars: the built-in rates restated through the euro's (1 / 0.9), AUD as configured in dollars
    process.env.CASHTRACE_REPORTING_CURRENCY = 'USD';
    process.env.CASHTRACE_FX_RATES = 'AUD=0.65';
    resetEnvForTests();
    try {
      const usd = await read();
      const expected = Math.round((170_000 / 0.9 + 6_500) * 100) / 100; // 195,388.89
      expect(usd).toMatchObject({ currency: 'USD', booked: expected, stuckCurrency: 'USD', stuck: { count: 3, value: expected } });
    } finally {
      delete process.env.CASHTRACE_FX_RATES;
      delete process.env.CASHTRACE_REPORTING_CURRENCY;
      resetEnvForTests();
    }
  });

  it('reports the KPI targets CASHTRACE_KPI_TARGETS sets, the others built in', async () => {
    process.env.CASHTRACE_KPI_TARGETS = 'dso=60,invoice_exception_rate=3%';
    resetEnvForTests();
    try {
      const { kpis } = await getKpis(store, { from: '2026-01-01', to: '2026-04-20', now: NOW });
      const target = (id: string) => kpis.find((k) => k.id === id)!.target;
      expect([target('dso'), target('invoice_exception_rate'), target('quote_to_cash')]).toEqual([60, 0.03, 60]);
    } finally {
      delete process.env.CASHTRACE_KPI_TARGETS;
      resetEnvForTests();
    }
    const { kpis } = await getKpis(store, { from: '2026-01-01', to: '2026-04-20', now: NOW });
    expect(kpis.find((k) => k.id === 'dso')!.target).toBe(45);
  });
});
