// Exchange rates and KPI targets an admin sets on /admin (PUT /api/admin/settings): saved in
// the store, in force at once in the process that saved them and, read again, in any other;
// over the environment's values, a reset returning to them; an invalid change refused whole;
// new rates converting every total, the stuck queues' (the clocks' snapshot, rebuilt) too.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { openTempStore } from '../testing/temp-store';
import { IngestWriter } from '../ingest/writer';
import { ev } from '../testing/events';
import { ApiError } from '../http/errors';
import { resetEnvForTests } from '../env';
import { fxRates } from '../money/rates';
import { kpiTargets } from '../kpis/definitions';
import { builtClocks } from '../clocks/build';
import { clockId } from '../clocks/registry';
import { STUCK_RULES } from '../stuck/rules';
import { getKpis } from '../queries/get-kpis';
import { getStuckSummary } from '../queries/get-stuck-summary';
import { loadOverrides, saveOverrides, settingsChangeProblems } from './overrides';
import { forgetOverrides, overrides } from './state';

const NOW = '2026-04-20T12:00:00Z';
const at = (d: number) => new Date(Date.UTC(2026, 1, 2 + d, 10)).toISOString();
/** A deal won, signed and provisioned with no billing schedule (stuck: provisioned-not-billable). */
const deal = (tag: string, value: number, currency: string) => {
  const attributes = { customer: 'Acme', region: 'APAC', practice: 'Advisory', legal_entity: 'Acme Pty', billing_model: 'milestone' };
  return [
    ev({ source: 'crm', type: 'opportunity.won', entity_type: 'opportunity', entity_id: `OPP-${tag}`, amount: value, currency, occurred_at: at(0), attributes }),
    ev({ source: 'clm', type: 'contract.signed', entity_type: 'contract', entity_id: `CTR-${tag}`, refs: [`crm:opportunity:OPP-${tag}`], amount: value, currency, occurred_at: at(1) }),
    ev({ source: 'psa', type: 'project.provisioned', entity_type: 'project', entity_id: `PRJ-${tag}`, refs: [`clm:contract:CTR-${tag}`], occurred_at: at(2) }),
  ];
};

let store: Store;
let writer: IngestWriter;
beforeAll(async () => {
  store = (await openTempStore()).store;
  writer = await IngestWriter.open(store);
  await writer.write([...deal('E', 100_000, 'EUR'), ...deal('A', 10_000, 'AUD')]);
  await writer.settled();
});
afterAll(async () => {
  writer?.clocks.close();
  await store?.close();
});
afterEach(() => {
  delete process.env.CASHTRACE_FX_RATES;
  delete process.env.CASHTRACE_KPI_TARGETS;
  resetEnvForTests();
});

const figures = async () => {
  const [k, s] = await Promise.all([getKpis(store, { from: '2026-01-01', to: '2026-04-20', now: NOW }), getStuckSummary(store, { now: NOW })]);
  return { booked: k.waterfall[0].value, unpriced: k.unpriced_currencies, stuck: s.queues.find((q) => q.rule === 'provisioned-not-billable')!.value, dso: k.kpis.find((x) => x.id === 'dso')!.target };
};
const refusal = async (input: unknown) => {
  const err = await saveOverrides(store, input, 'admin').then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  return (err as ApiError & { details: { issues: string[] } }).details.issues;
};
const rowCount = async () => (await store.query<{ n: string }>(sql`SELECT count() AS n FROM settings`))[0].n;

describe('settings set on /admin', () => {
  it('refuses an invalid change whole, naming every problem, and saves nothing of it', async () => {
    expect(settingsChangeProblems({ fx_rates: { AUD: 0.6 }, kpi_targets: { dso: 50, traceability: 0.99 } })).toEqual([]);
    expect(settingsChangeProblems({})).toEqual(['nothing to change: give fx_rates or kpi_targets']);
    const before = await rowCount();
    expect(await refusal({ fx_rates: { AUD: 0.6, aud: 1, EUR: 1.1, NZD: 0, JPY: -1 }, kpi_targets: { dso: -5, traceability: 1.2, cash: 3, quote_to_project: 36 } })).toEqual([
      'fx_rates.aud: not a currency code (three capitals, ISO 4217, e.g. AUD)',
      'fx_rates.EUR: EUR is the reporting currency (CASHTRACE_REPORTING_CURRENCY): its rate is 1',
      'fx_rates.NZD: 0: a rate is a number of EUR per NZD, above 0 and at most 1000000',
      'fx_rates.JPY: -1: a rate is a number of EUR per JPY, above 0 and at most 1000000',
      'kpi_targets.dso: -5: DSO is measured in days, 0 or more (as in CASHTRACE_KPI_TARGETS: dso=45 or 45d (days))',
      'kpi_targets.traceability: 1.2: Traceability is a share from 0 to 1 (3% is 0.03) (as in CASHTRACE_KPI_TARGETS: traceability=2% or 0.02)',
      'kpi_targets.cash: no such KPI (quote_to_cash, quote_to_project, contract_to_billing_setup, milestone_to_invoice, invoice_to_cash, dso, payment_application_lag, invoice_exception_rate, integration_failure_rate, integration_mttr, time_billed_within_sla, traceability)',
    ]);
    expect(await refusal({ fx_rates: { AUD: '0.6' } })).toEqual(['fx_rates.AUD: Invalid input: expected number, received string']);
    expect(await refusal({ fx_rate: { AUD: 0.6 } })).toEqual(['body: Unrecognized key: "fx_rate"']);
    expect(await refusal([1])).toHaveLength(1);
    expect(await rowCount()).toBe(before);
    expect(fxRates().AUD).toBeUndefined();
  });

  it('converts every total with a rate set, the stuck queues too, over the environment’s; a reset returns to it', async () => {
    const unpriced = await figures();
    expect(unpriced).toMatchObject({ booked: 110_000, unpriced: ['AUD'], stuck: 110_000 });
    const changes = await saveOverrides(store, { fx_rates: { AUD: 0.6 } }, 'ada');
    expect(changes).toEqual([{ kind: 'fx_rate', key: 'AUD', set: 0.6, from: null, to: 0.6 }]);
    // the clocks' ids hash the rates: none of the new ones is built, so the queue is read from the events
    const built = await builtClocks(store);
    const rule = STUCK_RULES['provisioned-not-billable'];
    expect(built.has(clockId(rule))).toBe(false);
    expect(await figures()).toMatchObject({ booked: 106_000, unpriced: [], stuck: 106_000 });
    // the writer builds them again (the API asks it to): the same figures from the snapshot
    writer.clocks.invalidate();
    await writer.clocks.settled();
    expect((await builtClocks(store)).has(clockId(rule))).toBe(true);
    expect(await figures()).toMatchObject({ booked: 106_000, stuck: 106_000 });
    // over the environment's rate; reset, the environment's counts again
    process.env.CASHTRACE_FX_RATES = 'AUD=0.5';
    resetEnvForTests();
    expect(fxRates().AUD).toBe(0.6);
    expect(await saveOverrides(store, { fx_rates: { AUD: null } }, 'ada')).toEqual([{ kind: 'fx_rate', key: 'AUD', set: null, from: 0.6, to: 0.5 }]);
    expect(await figures()).toMatchObject({ booked: 105_000, stuck: 105_000 });
    delete process.env.CASHTRACE_FX_RATES;
    resetEnvForTests();
    expect((await figures()).unpriced).toEqual(['AUD']);
  });

  it('sets KPI targets over CASHTRACE_KPI_TARGETS, and another process reads what one saved', async () => {
    process.env.CASHTRACE_KPI_TARGETS = 'dso=60';
    resetEnvForTests();
    expect((await figures()).dso).toBe(60);
    await saveOverrides(store, { kpi_targets: { dso: 50, traceability: 0.99 }, fx_rates: { AUD: 0.62 } }, 'ada', new Date('2026-04-20T09:00:00Z'));
    expect((await figures()).dso).toBe(50);
    expect(kpiTargets().traceability).toBe(0.99);
    // a process that starts now (nothing in force yet) reads them from the store
    forgetOverrides();
    expect(kpiTargets().dso).toBe(60);
    expect((await loadOverrides(store)).sort()).toEqual(['fx_rate', 'kpi_target']);
    expect(overrides().kpi_target.dso).toEqual({ value: 50, updated_at: '2026-04-20T09:00:00.000Z', updated_by: 'ada' });
    expect([kpiTargets().dso, fxRates().AUD]).toEqual([50, 0.62]);
    // read again with nothing changed: the same objects (the memoised rates and the clock ids stay)
    const rates = fxRates();
    expect(await loadOverrides(store)).toEqual([]);
    expect(fxRates()).toBe(rates);
    // a reset saved at the same millisecond as the value still wins (versions only go up)
    await saveOverrides(store, { kpi_targets: { dso: null, traceability: null }, fx_rates: { AUD: null } }, 'ada', new Date('2026-04-20T09:00:00Z'));
    expect([kpiTargets().dso, kpiTargets().traceability, fxRates().AUD]).toEqual([60, 0.98, undefined]);
  });
});
