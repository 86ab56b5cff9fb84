// A deal's open records on the hand-built book: the overdue ones are exactly the stuck queues'
// items of that deal (same ids, same lateness, same clocks), the others are due later; a deal
// whose every path step has happened can still owe money (deal C), and an unknown deal is null.

import { describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { withFixtureStore } from '../testing/fixture-store';
import { FIXTURE_NOW } from '../testing/q2c-fixture';
import { getDealOpenItems } from './get-deal-open-items';
import { getStuckItems } from './get-stuck-items';
import { getDeal } from './get-deal';
import { STUCK_RULES, STUCK_RULE_NAMES } from '../stuck/rules';

let store: Store;
withFixtureStore((s) => (store = s));

const now = FIXTURE_NOW;
const DEALS = ['A', 'B', 'C', 'D', 'E'].map((x) => `crm:opportunity:OPP-${x}`);

describe('a deal’s open items', () => {
  it('lists as overdue exactly the stuck queues’ items of the deal, with the same lateness', async () => {
    let overdue = 0;
    for (const id of DEALS) {
      const open = (await getDealOpenItems(store, id, { now }))!;
      const queue = await getStuckItems(store, { q: id, now: now.toISOString(), limit: 100 });
      const stuck = queue.items.filter((i) => i.correlation_id === id);
      const late = open.items.filter((i) => i.overdue);
      expect(late.map((i) => [i.id, Math.round(i.late_hours * 1000)]).sort(), id).toEqual(stuck.map((i) => [i.id, Math.round(i.late_hours * 1000)]).sort());
      overdue += late.length;
    }
    expect(overdue).toBeGreaterThan(5);
  });

  it('carries an overdue item’s workflow (state, assignee, who set it, snoozed until) as its queue row does', async () => {
    const { applyExceptionChange } = await import('../actions/exceptions');
    const overdue = await Promise.all(DEALS.map(async (id) => (await getDealOpenItems(store, id, { now }))!.items.filter((i) => i.overdue)));
    const deal = DEALS[overdue.findIndex((items) => items.length > 0)];
    const [item] = overdue.flat();
    expect(item).toMatchObject({ state: 'open', assignee: '', state_by: '', state_at: '', snoozed_until: '' });
    const until = new Date(Date.now() + 3 * 86_400_000).toISOString();
    await applyExceptionChange(store, { exception_id: item.id, kind: 'assign', assignee: 'fiona', by: 'finance', action_id: 'oi-1' });
    await applyExceptionChange(store, { exception_id: item.id, kind: 'snooze', until, by: 'admin', action_id: 'oi-2' });
    const after = (await getDealOpenItems(store, deal, { now }))!.items.find((i) => i.id === item.id)!;
    expect(after).toMatchObject({ state: 'snoozed', assignee: 'fiona', state_by: 'admin', snoozed_until: until });
    expect(Date.parse(after.state_at)).toBeGreaterThan(Date.now() - 60_000);
    const row = (await getStuckItems(store, { q: deal, now: now.toISOString(), limit: 100 })).items.find((i) => i.id === item.id)!;
    const workflow = (i: typeof row | typeof after) => [i.state, i.assignee, i.state_by, i.state_at, i.snoozed_until];
    expect(workflow(after)).toEqual(workflow(row));
  });

  it('answers an assignee filter naming someone who never held an item without reading the queues, and reads them once they have', async () => {
    const { applyExceptionChange } = await import('../actions/exceptions');
    const { holdsNothing } = await import('./exception-states');
    const { getUnstaffedProjects } = await import('./get-unstaffed-projects');
    expect(await holdsNothing(store, {})).toBe(false);
    expect(await holdsNothing(store, { assignee: '-' })).toBe(false);
    expect(await holdsNothing(store, { assignee: 'nora' })).toBe(true);
    let queries = 0;
    const counting = new Proxy(store, {
      get: (t, k) => (k === 'query' ? (...a: unknown[]) => (queries++, (t.query as (...x: unknown[]) => unknown).apply(t, a)) : Reflect.get(t, k)),
    }) as Store;
    const none = await getStuckItems(counting, { rules: [...STUCK_RULE_NAMES], assignee: 'nora', state: 'active', limit: 1, now: now.toISOString() });
    expect(none).toMatchObject({ total: 0, total_value: 0, items: [], next_cursor: null });
    expect(await getUnstaffedProjects(counting, { assignee: 'nora', now: now.toISOString() })).toEqual({ total: 0, next_cursor: null, items: [] });
    expect(queries).toBe(2); // one look at the exceptions each, no queue read
    const [item] = (await getStuckItems(store, { rule: 'milestone-not-invoiced', now: now.toISOString() })).items;
    await applyExceptionChange(store, { exception_id: item.id, kind: 'assign', assignee: 'nora', by: 'finance', action_id: 'hn-1' });
    expect(await holdsNothing(store, { assignee: 'nora' })).toBe(false);
    const mine = await getStuckItems(store, { rules: [...STUCK_RULE_NAMES], assignee: 'nora', now: now.toISOString() });
    expect(mine.items.map((i) => i.id)).toEqual([item.id]);
    // assigned to someone and needing work: that item, of every queue's (the test above's is
    // snoozed); assigned to nobody: every other
    expect(await holdsNothing(store, { assignee: '*' })).toBe(false);
    const active = (assignee?: string) => getStuckItems(store, { rules: [...STUCK_RULE_NAMES], assignee, state: 'active', now: now.toISOString(), limit: 100 });
    const someone = await active('*');
    expect(someone.items.map((i) => [i.id, i.assignee])).toEqual([[item.id, 'nora']]);
    expect((await active('-')).total + someone.total).toBe((await active()).total);
    // handed on: read as usual, and empty
    await applyExceptionChange(store, { exception_id: item.id, kind: 'assign', assignee: '', by: 'finance', action_id: 'hn-2' });
    expect(await holdsNothing(store, { assignee: 'nora' })).toBe(false);
    expect((await getStuckItems(store, { rules: [...STUCK_RULE_NAMES], assignee: 'nora', now: now.toISOString() })).total).toBe(0);
  });

  it('says a journey’s overdue next step is as late as the deal’s open item for that step (business time, on its calendar)', async () => {
    let compared = 0;
    for (const id of DEALS) {
      const deal = (await getDeal(store, id, { now }))!;
      const open = (await getDealOpenItems(store, id, { now }))!;
      for (const step of deal.expected_path.filter((s) => s.status === 'next' && (s.late_by_ms ?? 0) > 0)) {
        const item = open.items.find((i) => i.overdue && STUCK_RULES[i.rule].match === 'deal' && (STUCK_RULES[i.rule].end_events as readonly string[]).includes(step.type));
        if (!item) continue;
        expect(step.late_by_ms! / 3_600_000, `${id} ${step.type}`).toBeCloseTo(item.late_hours, 3);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('lists what is not due yet with the time left, most overdue first', async () => {
    const b = (await getDealOpenItems(store, DEALS[1], { now }))!;
    // INV-B1: due 2026-04-24 00:00, 13.5 days after NOW, not paid
    const inv = b.items.find((i) => i.id === 'invoice-not-collected:erp:invoice:INV-B1');
    expect(inv).toMatchObject({ overdue: false, unit: 'calendar', amount: 3000, currency: 'USD', waiting_for: ['payment.received', 'credit_memo.issued'], since: '2026-04-24T00:00:00.000Z' });
    expect(inv!.late_hours).toBeCloseTo(-324, 6);
    const lateness = b.items.map((i) => i.late_hours);
    expect(lateness).toEqual([...lateness].sort((x, y) => y - x));
  });

  it('names what a deal with every path step done still owes', async () => {
    const deal = (await getDeal(store, DEALS[2], { now }))!;
    expect(deal.next_step).toBeNull();
    const c = (await getDealOpenItems(store, DEALS[2], { now }))!;
    expect(c.items.map((i) => i.rule).sort()).toEqual(['invoice-not-collected', 'milestone-not-invoiced', 'payment-not-applied', 'sync-failed-unrecovered']);
    // INV-C1: 30,000 less 10,000 + 5,000 paid and 1,000 credited
    expect(c.items.find((i) => i.rule === 'invoice-not-collected')).toMatchObject({ entity_key: 'erp:invoice:INV-C1', amount: 14000, overdue: true });
    expect(c.items.find((i) => i.rule === 'payment-not-applied')).toMatchObject({ entity_key: 'payments:payment:PAY-C2', amount: 5000, state: 'open' });
  });

  it('is null for an unknown deal', async () => {
    expect(await getDealOpenItems(store, 'crm:opportunity:NOPE', { now })).toBeNull();
    expect(await getDealOpenItems(store, '', { now })).toBeNull();
  });
});
