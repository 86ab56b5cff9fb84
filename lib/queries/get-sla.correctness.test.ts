// Correctness of SLA policies and breaches on the hand-built book: default policies seeded,
// validation on save, open breaches by absence and late arrivals, re-evaluation on edit.

import { describe, it, expect } from 'vitest';
import type { Store } from '../clickhouse/client';
import { withFixtureStore } from '../testing/fixture-store';
import { FIXTURE_NOW } from '../testing/q2c-fixture';
import { STUCK_RULES, STUCK_RULE_NAMES } from '../stuck/rules';
import { IngestWriter } from '../ingest/writer';
import { canonicalEventSchema } from '../events/schema';
import { ApiError } from '../http/errors';
import { getSlaPolicies } from './get-sla-policies';
import { saveSlaPolicy } from './save-sla-policy';
import { getSlaBreachRows, getSlaBreaches } from './get-sla-breaches';
import { getStuckItems } from './get-stuck-items';
import { applyExceptionChange } from '../actions/exceptions';
import { getExceptionStates, heldItems, holdsNothing } from './exception-states';

let store: Store;
withFixtureStore((s) => (store = s));

const now = FIXTURE_NOW.toISOString();
const window = { from: '2026-01-01', to: '2026-04-10', now };

// policy → [evaluated, open breaches, late arrivals]
const EXPECTED: Record<string, [number, number, number]> = {
  'approved-not-provisioned': [4, 1, 2], // A 50 h, B 72 h late; C 48 h met; D open 99 h; E 27 h pending
  'signed-not-in-erp': [4, 1, 0], // D: Thu 15:00 → Good Friday 10:00 = 9 business hours
  'provisioned-not-billable': [3, 1, 0],
  'milestone-not-invoiced': [4, 1, 1], // MS-C2 invoiced after 144 h; MS-A2 pending over Easter
  'time-not-billed': [2, 1, 0],
  'change-not-reflected': [1, 1, 0],
  'invoice-not-collected': [3, 1, 0], // INV-B1 not due yet
  'payment-not-applied': [4, 1, 1], // PAY-A1 applied after 25 business hours
  'sync-failed-unrecovered': [2, 1, 1], // SY-1/SY-2 recovered after 2 h
};

describe('SLA policies', () => {
  it('seeds one default policy per stuck rule with the same clock', async () => {
    const policies = await getSlaPolicies(store);
    // in the journey's order (DOMAIN.md §5, the stuck-work page's), not the ids' alphabet
    expect(policies.map((p) => p.id)).toEqual([...STUCK_RULE_NAMES]);
    for (const p of policies) {
      const r = STUCK_RULES[p.id as keyof typeof STUCK_RULES];
      expect({ s: p.start_events, e: p.end_events, m: p.match, a: p.anchor, t: p.threshold_hours, u: p.unit }).toEqual({
        s: r.start_events, e: r.end_events, m: r.match, a: r.anchor, t: r.threshold_hours, u: r.unit,
      });
    }
  });

  it('refuses an invalid policy with clear messages', async () => {
    const bad = { name: 'x', start_events: ['invoice.issued'], end_events: ['invoice.issued'], match: 'record', anchor: 'period_end', threshold_hours: -1, unit: 'business', severity: 'high' };
    const err = await saveSlaPolicy(store, { input: bad, mode: 'create', by: 'test' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const issues = ((err as ApiError).details as { issues: string[] }).issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        'name: name must be at least 3 characters',
        'threshold_hours: threshold must not be negative',
      ]),
    );
    const dup = await saveSlaPolicy(store, {
      input: { id: 'signed-not-in-erp', name: 'Duplicate', start_events: ['contract.signed'], end_events: ['order.created'], match: 'deal', anchor: 'occurred_at', threshold_hours: 8, unit: 'business', severity: 'low' },
      mode: 'create', by: 'test',
    }).catch((e: unknown) => e);
    expect((dup as ApiError).status).toBe(409);
  });
});

describe('SLA breaches on the hand-built book', () => {
  it('counts open breaches by absence and late arrivals per policy', async () => {
    const r = await getSlaBreaches(store, window);
    const got = Object.fromEntries(r.policies.map((p) => [p.policy_id, [p.evaluated, p.open_breaches, p.late_arrivals]]));
    expect(got).toEqual(EXPECTED);
    expect(r.compliance).toBeCloseTo(13 / 27, 10);
    expect(r.total).toBe(14);
    const late = r.breaches.filter((b) => b.kind === 'late').map((b) => [b.policy_id, b.entity_key, b.late_hours]).sort();
    expect(late).toEqual([
      ['approved-not-provisioned', 'cpq:quote:Q-A', 2],
      ['approved-not-provisioned', 'cpq:quote:Q-B', 24],
      ['milestone-not-invoiced', 'psa:milestone:MS-C2', 24],
      ['payment-not-applied', 'payments:payment:PAY-A1', 1],
      ['sync-failed-unrecovered', 'psa:milestone:MS-C2>erp', 1],
    ]);
  });

  it('breaks breaches down by dimension and by week', async () => {
    const r = await getSlaBreaches(store, { ...window, by: 'legal_entity' });
    expect(r.by_dimension).toEqual([
      // C: MS-C2, MS-C3, INV-C1, PAY-C2 and both sync incidents, of 13 known outcomes
      { value: 'Cashtrace Ltd', breaches: 6, evaluated: 13 },
      // B: approval, ERP order, billing schedule, TS-B1, CO-B1 (TS-B2 met; INV-B1 not due)
      { value: 'Cashtrace Inc', breaches: 5, evaluated: 6 },
      // A's provisioning and cash application, D's provisioning
      { value: 'Cashtrace GmbH', breaches: 3, evaluated: 8 },
    ]);
    expect(r.series.reduce((s, x) => s + x.breaches, 0)).toBe(14);
  });

  it("pages one customer's breaches (read in one pass) as the whole list has them", async () => {
    const all = (await getSlaBreaches(store, window)).breaches;
    const counts = new Map<string, number>();
    for (const b of all) counts.set(b.customer, (counts.get(b.customer) ?? 0) + 1);
    const [customer, n] = [...counts].sort((a, b) => b[1] - a[1])[0];
    expect(n).toBeGreaterThanOrEqual(3);
    const paged: typeof all = [];
    for (let cursor: string | undefined, i = 0; i === 0 || cursor; i++) {
      const page = await getSlaBreaches(store, { ...window, customer, limit: 1, cursor });
      expect(page.total).toBe(n);
      paged.push(...page.breaches);
      cursor = page.next_cursor ?? undefined;
      expect(i).toBeLessThan(n);
    }
    expect(paged).toEqual(all.filter((b) => b.customer === customer));
  });

  it("carries the open breaches' workflow: each of the nine policies' open breaches is its queue's stuck item", async () => {
    const r = await getSlaBreaches(store, window);
    const open = r.breaches.filter((b) => b.kind === 'open');
    expect(open).toHaveLength(9);
    expect(open.map((b) => b.exception_id)).toEqual(open.map((b) => `${b.policy_id}:${b.entity_key}`));
    // a late arrival needs no work: no item
    expect(r.breaches.filter((b) => b.kind === 'late').map((b) => b.exception_id)).toEqual(['', '', '', '', '']);
    // the same ids /stuck lists, all open and nobody's yet
    const stuck = await getStuckItems(store, { ...window, limit: 100 });
    const ids = new Set(stuck.items.map((i) => i.id));
    expect(open.filter((b) => !ids.has(b.exception_id))).toEqual([]);
    const work = (b: { exception_id?: string; id?: string; state: string; assignee: string; state_by: string; snoozed_until: string }) => [b.state, b.assignee, b.state_by, b.snoozed_until];
    expect(open.map(work)).toEqual(Array(9).fill(['open', '', '', '']));

    // assigned from a breach row is assigned in its queue, and a snooze shows in both
    const [m, inv] = ['milestone-not-invoiced', 'invoice-not-collected'].map((id) => open.find((b) => b.policy_id === id)!);
    await applyExceptionChange(store, { exception_id: m.exception_id, kind: 'assign', assignee: 'fin-1', by: 'tester', action_id: 'act_sla_1' });
    const until = new Date(FIXTURE_NOW.getTime() + 3 * 86_400_000).toISOString();
    await applyExceptionChange(store, { exception_id: inv.exception_id, kind: 'snooze', until, by: 'tester', action_id: 'act_sla_2' });
    const again = (await getSlaBreaches(store, { ...window, kind: 'open' })).breaches;
    const byId = new Map(again.map((b) => [b.exception_id, b]));
    const items = new Map((await getStuckItems(store, { ...window, limit: 100 })).items.map((i) => [i.id, i]));
    expect(work(byId.get(m.exception_id)!)).toEqual(['assigned', 'fin-1', 'tester', '']);
    expect(work(byId.get(inv.exception_id)!)).toEqual(['snoozed', '', 'tester', until]);
    for (const id of [m.exception_id, inv.exception_id]) expect(work(items.get(id)!)).toEqual(work(byId.get(id)!));
    // an export's page of 20,000 breaches may name that many items: a server takes them in parts
    // (its URL takes at most 128 KiB per parameter; 20,000 ids of 60 characters are ~1.4 MB)
    const many = Array.from({ length: 20_000 }, (_, i) => `milestone-not-invoiced:psa:milestone:MS-NOT-A-REAL-ONE-${String(i).padStart(6, '0')}`);
    const states = await getExceptionStates(store, [...many, m.exception_id, inv.exception_id], FIXTURE_NOW);
    expect([...states.keys()].sort()).toEqual([m.exception_id, inv.exception_id].sort());
    // the export carries them too (getSlaBreachRows: its pages after the first)
    const rows = (await getSlaBreachRows(store, { ...window, kind: 'open', limit: 100 })).breaches;
    expect(rows.find((b) => b.exception_id === m.exception_id)).toMatchObject({ state: 'assigned', assignee: 'fin-1' });

    // the nine's breaches are their queues' owners' work
    expect(open.map((b) => [b.policy_id, b.owner])).toEqual(open.map((b) => [b.policy_id, b.policy_id === 'approved-not-provisioned' ? 'pmo' : b.policy_id === 'sync-failed-unrecovered' ? 'it' : 'finance']));

    // a policy of one's own is no queue: its open breaches are exceptions of their own, its
    // owner's (by default finance's: its clock waits for an invoice), even on a stuck record
    const own = await saveSlaPolicy(store, {
      input: { name: 'Milestones invoiced within a day', start_events: ['milestone.completed'], end_events: ['invoice.issued'], match: 'record', anchor: 'occurred_at', threshold_hours: 8, unit: 'business', severity: 'low' },
      mode: 'create', by: 'test',
    });
    expect(own.owner).toBe('finance');
    const mine = (await getSlaBreaches(store, { ...window, policy: own.id, kind: 'open' })).breaches;
    const onStuck = mine.find((b) => b.entity_key === m.entity_key)!;
    expect(onStuck).toMatchObject({ exception_id: `${own.id}:${m.entity_key}`, owner: 'finance' });
    expect(mine.map(work)).toEqual(mine.map(() => ['open', '', '', '']));
    expect(mine.map((b) => b.exception_id)).toEqual(mine.map((b) => `${own.id}:${b.entity_key}`));
    // worked apart from the queue's item on the same record
    await applyExceptionChange(store, { exception_id: onStuck.exception_id, kind: 'assign', assignee: 'fin-2', by: 'tester', action_id: 'act_sla_3' });
    const mineAgain = new Map((await getSlaBreaches(store, { ...window, policy: own.id, kind: 'open' })).breaches.map((b) => [b.exception_id, b]));
    expect(work(mineAgain.get(onStuck.exception_id)!)).toEqual(['assigned', 'fin-2', 'tester', '']);
    expect(work((await getSlaBreaches(store, { ...window, kind: 'open' })).breaches.find((b) => b.exception_id === m.exception_id)!)).toEqual(['assigned', 'fin-1', 'tester', '']);
    // the workflow's filters: whose breaches need work, of every policy or only one's own policies' (the nav's count)
    const held = async (p: Parameters<typeof getSlaBreaches>[1]) => {
      const x = await getSlaBreaches(store, { ...window, state: 'active', ...p });
      return [x.total, x.breaches.map((b) => b.exception_id)];
    };
    expect(await held({ assignee: 'fin-2', own: '1' })).toEqual([1, [onStuck.exception_id]]);
    expect(await held({ assignee: 'fin-1', own: '1' })).toEqual([0, []]);
    // the nav's count (figures=0): the same matches and count, no policies' figures; without a workflow filter, refused
    const bare = await getSlaBreaches(store, { ...window, state: 'active', assignee: 'fin-2', own: '1', figures: '0' });
    expect([bare.total, bare.breaches.map((b) => b.exception_id), bare.policies, bare.series, bare.by_dimension, bare.compliance]).toEqual([1, [onStuck.exception_id], [], [], [], null]);
    expect((await getSlaBreaches(store, { ...window, state: 'active', assignee: 'fin-1', own: '1', figures: '0' })).total).toBe(0);
    await expect(getSlaBreaches(store, { ...window, own: '1', figures: '0' })).rejects.toMatchObject({ status: 400 });
    // one person's matches are read from the records they hold now (heldItems), the figures from every record
    expect(await heldItems(store, { assignee: 'fin-2' }, [`${own.id}:`], FIXTURE_NOW)).toEqual([onStuck.exception_id]);
    expect(await heldItems(store, { assignee: 'fin-2' }, [`${own.id}:`], FIXTURE_NOW, 0)).toBeNull(); // more than the most narrowed: read as before
    expect((await getSlaBreaches(store, { ...window, state: 'active', assignee: 'fin-2', own: '1' })).policies).toEqual((await getSlaBreaches(store, { ...window, own: '1' })).policies);
    // handed on, it is the new holder's alone (fin-2 held it once: not holdsNothing, but holds nothing now)
    await applyExceptionChange(store, { exception_id: onStuck.exception_id, kind: 'assign', assignee: 'fin-3', by: 'tester', action_id: 'act_sla_3b' });
    expect([await heldItems(store, { assignee: 'fin-2' }, [`${own.id}:`], FIXTURE_NOW), await holdsNothing(store, { assignee: 'fin-2' }, [`${own.id}:`])]).toEqual([[], false]);
    expect([await held({ assignee: 'fin-2', own: '1' }), await held({ assignee: 'fin-3', own: '1' })]).toEqual([[0, []], [1, [onStuck.exception_id]]]);
    await applyExceptionChange(store, { exception_id: onStuck.exception_id, kind: 'assign', assignee: 'fin-2', by: 'tester', action_id: 'act_sla_3c' });
    // snoozed, it needs no work until the snooze runs out; resolved, none
    await applyExceptionChange(store, { exception_id: onStuck.exception_id, kind: 'snooze', until, by: 'tester', action_id: 'act_sla_3d' });
    const inState = async (state: 'active' | 'snoozed' | 'resolved', at = now) => (await getSlaBreaches(store, { ...window, now: at, assignee: 'fin-2', own: '1', state, figures: '0' })).total;
    expect([await inState('active'), await inState('snoozed'), await inState('resolved'), await inState('active', new Date(Date.parse(until) + 1).toISOString())]).toEqual([0, 1, 0, 1]);
    await applyExceptionChange(store, { exception_id: onStuck.exception_id, kind: 'resolve', by: 'tester', action_id: 'act_sla_3e' });
    expect([await inState('active'), await inState('snoozed'), await inState('resolved')]).toEqual([0, 0, 1]);
    await applyExceptionChange(store, { exception_id: onStuck.exception_id, kind: 'assign', assignee: 'fin-2', by: 'tester', action_id: 'act_sla_3f' });
    // fin-1 held the queue's item, never one of the policy's: its breaches are not read for them
    expect([await holdsNothing(store, { assignee: 'fin-1' }, [`${own.id}:`]), await holdsNothing(store, { assignee: 'fin-2' }, [`${own.id}:`]), await holdsNothing(store, { assignee: 'fin-1' })]).toEqual([true, false, false]);
    expect(await held({ assignee: 'fin-1' })).toEqual([1, [m.exception_id]]);
    expect(await held({ assignee: 'nobody-at-all' })).toEqual([0, []]);
    expect(await held({ assignee: '*', kind: 'late' })).toEqual([0, []]);
    expect((await held({ assignee: '*' }))[1]).toEqual(expect.arrayContaining([m.exception_id, onStuck.exception_id]));
    const unassignedOpen = await getSlaBreaches(store, { ...window, assignee: '-', own: '1' });
    expect(unassignedOpen.total).toBe(mine.length - 1);
    expect(unassignedOpen.breaches.map((b) => b.kind)).toEqual(unassignedOpen.breaches.map(() => 'open'));
    // an owner named on save is kept, and the PMO's by default when the clock waits for the PSA
    const pmo = await saveSlaPolicy(store, {
      input: { name: 'Staffed within a week', start_events: ['project.provisioned'], end_events: ['resource.assigned'], match: 'deal', anchor: 'occurred_at', threshold_hours: 40, unit: 'business', severity: 'low' },
      mode: 'create', by: 'test',
    });
    expect(pmo.owner).toBe('pmo');
    // each breach's re-sync target: a stuck rule's queue's, else the system its clock waits for
    expect(onStuck.resync_target).toBe('erp');
    expect((await getSlaBreaches(store, { ...window, policy: pmo.id })).breaches.map((b) => b.resync_target)).toEqual(expect.arrayContaining(['psa']));
    expect(Object.fromEntries(open.map((b) => [b.policy_id, b.resync_target]))).toMatchObject({ 'approved-not-provisioned': 'psa', 'milestone-not-invoiced': 'erp', 'invoice-not-collected': '', 'sync-failed-unrecovered': '' });
    expect((await saveSlaPolicy(store, { input: { ...own, owner: 'it' }, mode: 'update', by: 'test' })).owner).toBe('it');
    expect((await getSlaBreaches(store, { ...window, policy: own.id, kind: 'open' })).breaches.map((b) => b.owner)).toEqual(mine.map(() => 'it'));
    // a stuck rule's policy is its queue's: another owner is refused with the reason
    const [queue] = await getSlaPolicies(store, { id: 'milestone-not-invoiced' });
    await expect(saveSlaPolicy(store, { input: { ...queue, owner: 'pmo' }, mode: 'update', by: 'test' })).rejects.toMatchObject({ details: { issues: ["owner: a stuck rule's breaches are its queue's, finance's"] } });
    for (const p of [own, pmo]) await saveSlaPolicy(store, { input: { ...p, enabled: false }, mode: 'update', by: 'test' });
  });

  it('re-evaluates history when a policy is edited, and honours its scope', async () => {
    const [p] = await getSlaPolicies(store, { id: 'approved-not-provisioned' });
    await saveSlaPolicy(store, { input: { ...p, threshold_hours: 72 }, mode: 'update', by: 'test' });
    let r = await getSlaBreaches(store, { ...window, policy: 'approved-not-provisioned' });
    // A (50 h) and B (72 h, not more) now meet it; D (99 h) is still open and late
    expect(r.policies[0]).toMatchObject({ evaluated: 4, open_breaches: 1, late_arrivals: 0 });
    await saveSlaPolicy(store, { input: { ...p, threshold_hours: 24, scope: { ...p.scope, legal_entity: 'Cashtrace Inc' } }, mode: 'update', by: 'test' });
    r = await getSlaBreaches(store, { ...window, policy: 'approved-not-provisioned' });
    // only B (72 h, late) and E (27 h, open past 24 h) are in scope
    expect(r.breaches.map((b) => [b.entity_key, b.kind, b.late_hours])).toEqual([
      ['cpq:quote:Q-E', 'open', 3],
      ['cpq:quote:Q-B', 'late', 48],
    ]);
  });
});

describe('SLA breaches over time', () => {
  // runs last: it adds a payment to the shared book (one chDB data directory per process)
  it('charts no week that has not begun: an invoice paid before a due date still to come is met, not a future bar', async () => {
    // INV-B1 (due 2026-04-24, after NOW) paid on 04-08
    const writer = await IngestWriter.open(store);
    await writer.write([canonicalEventSchema.parse({
      event_id: 'b-paid-early', type: 'payment.received', source: 'payments', entity_type: 'payment', entity_id: 'PAY-B1',
      refs: ['erp:invoice:INV-B1'], occurred_at: '2026-04-08T09:00:00Z', amount: 3000, currency: 'USD',
    })]);
    await writer.settled();
    const r = await getSlaBreaches(store, { now, policy: 'invoice-not-collected' });
    expect(r.policies[0]).toMatchObject({ evaluated: 4, open_breaches: 1, late_arrivals: 0 });
    const weeks = r.series.map((x) => x.week);
    expect(weeks.length).toBeGreaterThan(0);
    expect(weeks.filter((w) => w > now.slice(0, 10))).toEqual([]);
  });
});
