// A deal's open records on the hand-built book: the overdue ones are exactly the stuck queues'
// items of that deal (same ids, same lateness, same clocks), the others are due later; a deal
// whose every path step has happened can still owe money (deal C); an SLA policy of one's own's
// clocks are listed too (its overdue ones its open breaches); an unknown deal is null.

import { describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { withFixtureStore } from '../testing/fixture-store';
import { FIXTURE_NOW } from '../testing/q2c-fixture';
import { getDealOpenItems } from './get-deal-open-items';
import { getStuckItems } from './get-stuck-items';
import { getDeal } from './get-deal';
import { STUCK_RULES, STUCK_RULE_NAMES, isStuckRuleName } from '../stuck/rules';

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
        const item = open.items.find((i) => i.overdue && isStuckRuleName(i.rule) && STUCK_RULES[i.rule].match === 'deal' && (STUCK_RULES[i.rule].end_events as readonly string[]).includes(step.type));
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

  it('lists an SLA policy of one’s own’s clocks beside the queues’: its overdue ones are its open breaches, worked apart, by its owner', async () => {
    const { saveSlaPolicy } = await import('./save-sla-policy');
    const { getSlaBreaches } = await import('./get-sla-breaches');
    const { applyExceptionChange } = await import('../actions/exceptions');
    const own = await saveSlaPolicy(store, {
      input: { name: 'Milestones invoiced within a day', start_events: ['milestone.completed'], end_events: ['invoice.issued'], match: 'record', anchor: 'occurred_at', threshold_hours: 8, unit: 'business', severity: 'low' },
      mode: 'create', by: 'test',
    });
    const breaches = (await getSlaBreaches(store, { policy: own.id, kind: 'open', now: now.toISOString(), limit: 1000 })).breaches;
    expect(breaches.length).toBeGreaterThan(0);
    let seen = 0;
    for (const id of DEALS) {
      const items = (await getDealOpenItems(store, id, { now }))!.items;
      const mine = items.filter((i) => i.rule === own.id);
      const late = mine.filter((i) => i.overdue);
      // exactly the policy's open breaches on the deal, as late, with the breaches' exception ids
      expect(late.map((i) => [i.id, Math.round(i.late_hours * 1000)]).sort(), id).toEqual(
        breaches.filter((b) => b.correlation_id === id).map((b) => [b.exception_id, Math.round(b.late_hours * 1000)]).sort(),
      );
      for (const i of mine) {
        expect(i).toMatchObject({ id: `${own.id}:${i.entity_key}`, queue: false, title: own.name, owner: 'Finance', owner_role: 'finance', resync_target: 'erp', waiting_for: ['invoice.issued'], unit: 'business' });
      }
      // the queues' items say theirs
      for (const i of items.filter((x) => x.rule !== own.id)) {
        expect(i.queue, i.id).toBe(true);
        expect([i.owner_role, i.resync_target], i.id).toEqual(
          i.rule === 'approved-not-provisioned' ? ['pmo', 'psa'] : i.rule === 'sync-failed-unrecovered' ? ['it', ''] : i.rule === 'invoice-not-collected' ? ['finance', ''] : ['finance', 'erp'],
        );
      }
      seen += late.length;
    }
    expect(seen).toBe(breaches.filter((b) => DEALS.includes(b.correlation_id)).length);
    expect(seen).toBeGreaterThan(0);

    // on a record also on the milestone queue: two items, worked apart
    const deal = DEALS.find((id) => breaches.some((b) => b.correlation_id === id))!;
    const before = (await getDealOpenItems(store, deal, { now }))!.items;
    const policyItem = before.find((i) => i.rule === own.id && i.overdue)!;
    const queueItem = before.find((i) => i.rule === 'milestone-not-invoiced' && i.entity_key === policyItem.entity_key);
    await applyExceptionChange(store, { exception_id: policyItem.id, kind: 'assign', assignee: 'fin-9', by: 'finance', action_id: 'oi-own-1' });
    const after = (await getDealOpenItems(store, deal, { now }))!.items;
    expect(after.find((i) => i.id === policyItem.id)).toMatchObject({ state: 'assigned', assignee: 'fin-9' });
    if (queueItem) expect(after.find((i) => i.id === queueItem.id)!.assignee).toBe(queueItem.assignee);
    // disabled, its clocks are no deal's open items
    await saveSlaPolicy(store, { input: { ...own, enabled: false }, mode: 'update', by: 'test' });
    expect((await getDealOpenItems(store, deal, { now }))!.items.filter((i) => i.rule === own.id)).toEqual([]);
  });

  it('reads one person’s queues from the records they hold: the same items, totals and states as every item filtered to them', async () => {
    const { applyExceptionChange } = await import('../actions/exceptions');
    const { getUnstaffedProjects } = await import('./get-unstaffed-projects');
    const at = now.toISOString();
    const every = (await getStuckItems(store, { now: at, limit: 100 })).items;
    const unstaffed = (await getUnstaffedProjects(store, { now: at })).items;
    expect([every.length, unstaffed.length]).toEqual([9, 1]);
    // olga: three queues' items (one a sync failure's `>crm` key), one of them snoozed, and the
    // unstaffed project; pete: one item; the rest nobody's
    const olga = [every[0], every[2], every[4]];
    for (const [k, i] of [...olga, unstaffed[0]].entries()) await applyExceptionChange(store, { exception_id: i.id, kind: 'assign', assignee: 'olga', by: 'finance', action_id: `pq-${k}` });
    await applyExceptionChange(store, { exception_id: every[5].id, kind: 'assign', assignee: 'pete', by: 'finance', action_id: 'pq-p' });
    await applyExceptionChange(store, { exception_id: every[4].id, kind: 'snooze', until: new Date(now.getTime() + 86_400_000).toISOString(), by: 'finance', action_id: 'pq-s' });
    const list = async (p: { assignee?: string; state?: 'active' | 'snoozed' | 'resolved'; q?: string }) => {
      const r = await getStuckItems(store, { ...p, now: at, limit: 100 });
      return [r.total, r.total_value, r.items.map((i) => [i.id, i.assignee, i.state])];
    };
    const expected = (who: string, state?: string, q?: string) => {
      const rows = every.filter((i) => olga.includes(i) === (who === 'olga') && (who === 'olga' || i === every[5]))
        .map((i) => [i.id, who, i === every[4] ? 'snoozed' : 'assigned'])
        .filter((r) => !state || (state === 'active' ? r[2] !== 'snoozed' : r[2] === state))
        .filter((r) => !q || r[0].includes(q));
      const value = every.filter((i) => rows.some((r) => r[0] === i.id)).reduce((s, i) => s + i.value, 0);
      return [rows.length, Math.round(value * 100) / 100, rows];
    };
    expect(await list({ assignee: 'olga' })).toEqual(expected('olga'));
    expect(await list({ assignee: 'olga', state: 'active' })).toEqual(expected('olga', 'active'));
    expect(await list({ assignee: 'olga', state: 'snoozed' })).toEqual(expected('olga', 'snoozed'));
    expect(await list({ assignee: 'olga', state: 'resolved' })).toEqual([0, 0, []]);
    expect(await list({ assignee: 'olga', q: 'INV-C1' })).toEqual(expected('olga', undefined, 'INV-C1'));
    expect(await list({ assignee: 'pete' })).toEqual(expected('pete'));
    // one queue: only that queue's held items
    const one = await getStuckItems(store, { rule: every[2].rule, assignee: 'olga', now: at });
    expect(one.items.map((i) => i.id)).toEqual([every[2].id]);
    // the unstaffed project is olga's alone, and needs work
    const projects = async (assignee: string, state?: 'active' | 'snoozed') => (await getUnstaffedProjects(store, { assignee, state, now: at })).items.map((i) => [i.id, i.assignee]);
    expect([await projects('olga'), await projects('olga', 'active'), await projects('olga', 'snoozed'), await projects('pete')]).toEqual([
      [[unstaffed[0].id, 'olga']], [[unstaffed[0].id, 'olga']], [], [],
    ]);
  });

  it('is null for an unknown deal', async () => {
    expect(await getDealOpenItems(store, 'crm:opportunity:NOPE', { now })).toBeNull();
    expect(await getDealOpenItems(store, '', { now })).toBeNull();
  });
});
