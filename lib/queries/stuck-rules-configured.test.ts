// Every stuck threshold is configurable (DOMAIN.md §5): a rule allows the time its SLA policy
// of the same id was last saved with. On the hand-built book, whose lateness is known to the
// hour (get-stuck.correctness.test.ts), a saved policy moves the queue, the summary, the
// deal's open items and its journey alike, in the policy's unit, read from the events or from
// the clocks' snapshot; saved back, everything is as before.

import { describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { withFixtureStore } from '../testing/fixture-store';
import { FIXTURE_NOW } from '../testing/q2c-fixture';
import { getStuckItems } from './get-stuck-items';
import { getStuckSummary } from './get-stuck-summary';
import { getDealOpenItems } from './get-deal-open-items';
import { getDeal } from './get-deal';
import { getKpis } from './get-kpis';
import { getLeakage } from './get-leakage';
import { getSlaPolicies } from './get-sla-policies';
import { saveSlaPolicy } from './save-sla-policy';
import { getStuckRules } from './get-stuck-rules';
import { allClocks, clockId } from '../clocks/registry';
import { buildMissing, builtClocks } from '../clocks/build';
import { STUCK_RULES, describeAllowance, rulesFromPolicies, type StuckRuleName } from '../stuck/rules';
import type { SlaPolicy } from '../contracts/sla';

let store: Store;
withFixtureStore((s) => (store = s));

const now = FIXTURE_NOW.toISOString();
const DEAL_D = 'crm:opportunity:OPP-D';

async function savePolicy(id: StuckRuleName, change: Partial<SlaPolicy>): Promise<void> {
  const [p] = await getSlaPolicies(store, { id });
  // as the form sends it back (the schema leaves updated_at and updated_by out)
  await saveSlaPolicy(store, { input: { ...p, ...change }, mode: 'update', by: 'test' });
}

const lateOf = async (rule: StuckRuleName) =>
  (await getStuckItems(store, { now, rule })).items.map((i) => [i.entity_key, Math.round(i.late_hours * 1000) / 1000]);

describe('rulesFromPolicies', () => {
  it('takes threshold and unit from the policy of the same id, nothing else, and ignores other ids', () => {
    const set = rulesFromPolicies([
      { id: 'payment-not-applied', threshold_hours: 6, unit: 'calendar' },
      { id: 'my-own-policy', threshold_hours: 1, unit: 'calendar' },
      // a valid policy id that names a property of every object
      { id: 'constructor', threshold_hours: 1, unit: 'calendar' },
    ]);
    expect(Object.keys(set)).toEqual(Object.keys(STUCK_RULES));
    expect(set['payment-not-applied']).toEqual({ ...STUCK_RULES['payment-not-applied'], threshold_hours: 6, unit: 'calendar' });
    for (const r of Object.keys(STUCK_RULES) as StuckRuleName[]) if (r !== 'payment-not-applied') expect(set[r]).toBe(STUCK_RULES[r]);
    expect(rulesFromPolicies([])).toEqual(STUCK_RULES);
  });
});

describe('describeAllowance', () => {
  it('says the time from what the clock runs from', () => {
    const say = (rule: StuckRuleName, threshold_hours: number, unit: 'business' | 'calendar' = 'business') => describeAllowance({ rule, threshold_hours, unit });
    expect(say('approved-not-provisioned', 48)).toBe('after 2 business days');
    expect(say('signed-not-in-erp', 24)).toBe('after 1 business day');
    expect(say('signed-not-in-erp', 36, 'calendar')).toBe('after 36 h');
    expect(say('sync-failed-unrecovered', 1.5)).toBe('after 1.5 business h');
    expect(say('time-not-billed', 840, 'calendar')).toBe('35 calendar days after the period ends');
    expect(say('invoice-not-collected', 0, 'calendar')).toBe('past the due date');
    expect(say('invoice-not-collected', 168, 'calendar')).toBe('7 calendar days past the due date');
    expect(describeAllowance({ rule: 'constructor', threshold_hours: 2, unit: 'calendar' })).toBe('after 2 h');
  });
});

describe('stuck thresholds set by the SLA policies', () => {
  it('the seeded policies leave every rule at DOMAIN.md’s default', async () => {
    expect(await getStuckRules(store)).toEqual(STUCK_RULES);
  });

  it('a policy saved with 1 business day moves the queue, the summary, the deal’s open item and its journey’s step', async () => {
    expect(await lateOf('approved-not-provisioned')).toEqual([['cpq:quote:Q-D', 51]]);
    const before = (await getDeal(store, DEAL_D, { now: FIXTURE_NOW }))!.expected_path.find((s) => s.type === 'project.provisioned')!;
    expect(before.late_by_ms! / 3_600_000).toBeCloseTo(51, 6);

    await savePolicy('approved-not-provisioned', { threshold_hours: 24 });
    // with 1 business day, Deal E (27 business hours since Thursday's approval) is late too
    expect(await lateOf('approved-not-provisioned')).toEqual([
      ['cpq:quote:Q-D', 75],
      ['cpq:quote:Q-E', 3],
    ]);
    const queue = (await getStuckSummary(store, { now })).queues.find((q) => q.rule === 'approved-not-provisioned')!;
    expect([queue.threshold_hours, queue.unit, queue.count]).toEqual([24, 'business', 2]);
    const open = (await getDealOpenItems(store, DEAL_D, { now }))!.items.find((i) => i.rule === 'approved-not-provisioned')!;
    expect(Math.round(open.late_hours * 1000) / 1000).toBe(75);
    const deal = (await getDeal(store, DEAL_D, { now: FIXTURE_NOW }))!;
    const step = deal.expected_path.find((s) => s.type === 'project.provisioned')!;
    expect(step.late_by_ms! / 3_600_000).toBeCloseTo(75, 6);
    // Thu 04-02 09:00 + 1 business day, over Good Friday, the weekend and Easter Monday
    expect(deal.next_step).toMatchObject({ type: 'project.provisioned', window: '1 business day', due_at: '2026-04-07T09:00:00.000Z', overdue: true });

    await savePolicy('approved-not-provisioned', { threshold_hours: 48 });
    expect(await lateOf('approved-not-provisioned')).toEqual([['cpq:quote:Q-D', 51]]);
  });

  it('a policy saved in calendar time ages its queue in calendar time, from the events and from the clocks’ snapshot alike', async () => {
    // US calendar: Thu 03-12 09:00 → 507 business hours by now; 483 late after 1 business day
    expect(await lateOf('signed-not-in-erp')).toEqual([['clm:contract:CTR-B', 483]]);
    // disabled: its clock is the rule's alone (an enabled policy's clock would be built anyway)
    await savePolicy('signed-not-in-erp', { unit: 'calendar', enabled: false });
    const rules = await getStuckRules(store);
    expect(rules['signed-not-in-erp'].unit).toBe('calendar');
    // 03-12 09:00 → 04-10 12:00 is 29 days and 3 hours: 699 h; 675 late after 24 calendar hours
    expect(await lateOf('signed-not-in-erp')).toEqual([['clm:contract:CTR-B', 675]]);
    expect((await builtClocks(store)).has(clockId(rules['signed-not-in-erp']))).toBe(false);
    const set = await allClocks(store);
    expect(set.clocks.has(clockId(rules['signed-not-in-erp']))).toBe(true);
    await buildMissing(store, set);
    expect((await builtClocks(store)).has(clockId(rules['signed-not-in-erp']))).toBe(true);
    expect(await lateOf('signed-not-in-erp')).toEqual([['clm:contract:CTR-B', 675]]);
    const open = (await getDealOpenItems(store, 'crm:opportunity:OPP-B', { now }))!.items.find((i) => i.rule === 'signed-not-in-erp')!;
    expect([Math.round(open.late_hours * 1000) / 1000, open.unit]).toEqual([675, 'calendar']);

    await savePolicy('signed-not-in-erp', { unit: 'business', enabled: true });
    expect(await lateOf('signed-not-in-erp')).toEqual([['clm:contract:CTR-B', 483]]);
  });

  it('a disabled policy still sets its rule’s time (it stops the breach counting, not the queue)', async () => {
    await savePolicy('payment-not-applied', { threshold_hours: 100, enabled: false });
    // UK: 314 business hours since the payment came; 214 late after 100
    expect(await lateOf('payment-not-applied')).toEqual([['payments:payment:PAY-C2', 214]]);
    await savePolicy('payment-not-applied', { threshold_hours: 24, enabled: true });
    expect(await lateOf('payment-not-applied')).toEqual([['payments:payment:PAY-C2', 290]]);
  });

  it('leakage’s unbilled work is the milestone queue’s, at its policy’s threshold', async () => {
    const unbilled = async () => (await getLeakage(store, { now })).categories.find((c) => c.category === 'unbilled_work')!;
    // MS-C3 12000 GBP = 14400 (147 business hours, 27 past 5 days) and TS-B1 1500 USD = 1350
    expect(await unbilled()).toMatchObject({ count: 2, value: 15750 });
    await savePolicy('milestone-not-invoiced', { threshold_hours: 150 });
    expect(await unbilled()).toMatchObject({ count: 1, value: 1350 });
    await savePolicy('milestone-not-invoiced', { threshold_hours: 120 });
    expect(await unbilled()).toMatchObject({ count: 2, value: 15750 });
  });

  it('“time billed within SLA” counts against time-not-billed’s policy, from the intervals and from the tallies alike', async () => {
    const share = async (tallies: boolean) =>
      (await getKpis(store, { from: '2026-01-01', to: '2026-04-10', now, tallies })).kpis.find((k) => k.id === 'time_billed_within_sla')!;
    // TS-B2 billed in time, TS-B1 12 h past its 35 days
    for (const t of [true, false]) expect(await share(t)).toMatchObject({ n: 2, value: 0.5 });
    // 36 days: TS-B1 is not late yet, so not decided; TS-B2 still in time
    await savePolicy('time-not-billed', { threshold_hours: 36 * 24 });
    for (const t of [true, false]) expect(await share(t)).toMatchObject({ n: 1, value: 1 });
    await buildMissing(store, await allClocks(store)); // the new tally counted
    expect(await share(true)).toMatchObject({ n: 1, value: 1 });
    await savePolicy('time-not-billed', { threshold_hours: 35 * 24 });
    await buildMissing(store, await allClocks(store));
    for (const t of [true, false]) expect(await share(t)).toMatchObject({ n: 2, value: 0.5 });
  });

  it('a threshold given with the query still wins over the policy’s', async () => {
    await savePolicy('approved-not-provisioned', { threshold_hours: 72 });
    expect(await lateOf('approved-not-provisioned')).toEqual([['cpq:quote:Q-D', 27]]);
    const r = await getStuckItems(store, { now, rule: 'approved-not-provisioned', thresholds: { 'approved-not-provisioned': 24 } });
    expect(r.items.map((i) => i.entity_key)).toEqual(['cpq:quote:Q-D', 'cpq:quote:Q-E']);
    await savePolicy('approved-not-provisioned', { threshold_hours: 48 });
  });
});
