// Unit tests of the simulator as a library: determinism, schema validity, the reference
// conventions of docs/event-conventions.md, every stuck rule injected (and really absent
// downstream), and failure rates that look like a firm (a minority stuck).

import { describe, expect, it } from 'vitest';
import { canonicalEventSchema, type CanonicalEvent } from '../../lib/events/schema';
import { parseEntityKey } from '../../lib/events/entity-key';
import { validateEvent } from '../../lib/events/schema';
import { DEFECT_FIELD, STUCK_RULES, isDelivery, malformedBody } from './emit';
import { backfillPlan, generateEvents, OPENING_BOOK, openingBook, simulateDeal, windowStart, type SimOptions } from './generate';
import { buildWorld } from './world';
import { keyOf } from './emit';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const DEFAULT: SimOptions = { seed: 42, deals: 3000, days: 90, now: NOW };
const plan = backfillPlan(DEFAULT);
const all = [...plan.due, ...plan.held];
const events: CanonicalEvent[] = all.filter(isDelivery).map((s) => s.event);

/** refs a type must carry (at least one of each group), per docs/event-conventions.md. */
const REQUIRED_REFS: Record<string, string[][]> = {
  'opportunity.won': [],
  'invoice.disputed': [],
  'quote.approved': [['crm:opportunity:']],
  'contract.signed': [['cpq:quote:', 'crm:opportunity:']],
  'order.created': [['crm:opportunity:'], ['clm:contract:']],
  'project.provisioned': [['clm:contract:', 'erp:sales_order:']],
  'billing_schedule.created': [['erp:sales_order:'], ['psa:project:']],
  'resource.assigned': [['psa:project:']],
  'milestone.completed': [['psa:project:']],
  'time.approved': [['psa:project:']],
  'expense.approved': [['psa:project:']],
  'invoice.issued': [['erp:sales_order:'], ['psa:milestone:', 'psa:timesheet:', 'psa:expense:', 'erp:billing_schedule:']],
  'credit_memo.issued': [['erp:invoice:']],
  'payment.received': [['erp:invoice:']],
  'payment.failed': [['erp:invoice:']],
  'cash.applied': [['payments:payment:'], ['erp:invoice:']],
  'change_order.approved': [['cpq:quote:', 'clm:contract:']],
  'contract.amended': [['clm:contract:'], ['cpq:change_order:']],
  'billing_schedule.updated': [['cpq:change_order:']],
  'sync.requested': [['']],
  'sync.succeeded': [['']],
  'sync.failed': [['']],
};

describe('simulator generator', () => {
  it('is deterministic: the same seed gives the same events, another seed different ones', () => {
    const o = { seed: 7, deals: 40, days: 30, now: NOW };
    const a = [...generateEvents(o)];
    const b = [...generateEvents(o)];
    expect(a.length).toBeGreaterThan(200);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = [...generateEvents({ ...o, seed: 8 })];
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
    // A deal's story does not depend on how many deals were generated before it.
    const world = buildWorld(7);
    expect(JSON.stringify(simulateDeal(o, world, 25))).toBe(JSON.stringify(simulateDeal({ ...o }, buildWorld(7), 25)));
  });

  it('emits only events valid against canonicalEventSchema, with unique ids per distinct event', () => {
    const invalid: string[] = [];
    for (const e of events) {
      const r = canonicalEventSchema.safeParse(e);
      if (!r.success && invalid.length < 10) invalid.push(`${e.type} ${e.event_id}: ${r.error.message}`);
    }
    expect(invalid).toEqual([]);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    // A redelivery is the very same event.
    const byId = new Map(events.map((e) => [e.event_id, e]));
    const same = (e: CanonicalEvent | undefined) => JSON.stringify({ ...e, received_at: '' });
    const differing = all.filter((x) => x.redelivery && same(x.event) !== same(byId.get(x.event.event_id)));
    expect(differing).toEqual([]);
  });

  it('follows the reference conventions (entity types, refs, money, due dates, periods, dimensions)', () => {
    // Problems are collected and compared once: 160k expect() calls would be slow.
    const problems: string[] = [];
    const check = (ok: unknown, what: string) => {
      if (!ok && problems.length < 20) problems.push(what);
    };
    for (const e of events) {
      const tag = `${e.type} ${e.entity_id}`;
      const groups = REQUIRED_REFS[e.type];
      check(groups, `${tag}: type not covered`);
      for (const g of groups ?? []) check(e.refs.some((r) => g.some((p) => r.startsWith(p))), `${tag}: refs ${e.refs.join(',')} lack ${g.join('|')}`);
      for (const r of e.refs) check(parseEntityKey(r), `${tag}: bad ref ${r}`);
      if (e.amount !== null) check(/^[A-Z]{3}$/.test(e.currency), `${tag}: amount without currency`);
      for (const d of ['customer', 'region', 'practice', 'legal_entity', 'billing_model']) check(e.attributes[d], `${tag}: no ${d}`);
      if (e.type === 'invoice.issued') check(e.due_at && Date.parse(e.due_at) > Date.parse(e.occurred_at), `${tag}: due_at`);
      if (e.type === 'time.approved') {
        check(e.period_end && Date.parse(e.period_end) < Date.parse(e.occurred_at), `${tag}: period_end`);
        check(Math.abs(Number(e.attributes.hours) * Number(e.attributes.rate) - e.amount!) < 0.01, `${tag}: hours x rate`);
      }
      if (e.source === 'middleware') check(e.attributes.flow_source && e.attributes.flow_target && /^[0-9a-f]{32}$/.test(e.trace_id), `${tag}: flow/trace`);
      if (e.type === 'opportunity.won') check(e.attributes.owner && e.attributes.customer_tier, `${tag}: owner/tier`);
    }
    expect(problems).toEqual([]);
    const currencies = new Set(events.map((e) => e.currency).filter(Boolean));
    expect([...currencies].sort()).toEqual(['CAD', 'EUR', 'GBP', 'SGD', 'USD']);
    expect(new Set(events.map((e) => e.attributes.billing_model)).size).toBe(4);
  });

  it('injects every stuck rule of DOMAIN.md §5, and the downstream event really never comes', () => {
    const faults = plan.faults.filter((f) => f.at <= NOW);
    for (const rule of STUCK_RULES) expect(faults.filter((f) => f.kind === rule).length, rule).toBeGreaterThan(0);
    // Independent check on the events: who refers to whom.
    const referrers = new Map<string, CanonicalEvent[]>();
    for (const e of events) for (const r of e.refs) (referrers.get(r) ?? referrers.set(r, []).get(r)!).push(e);
    const by = (key: string, type: string) => (referrers.get(key) ?? []).filter((e) => e.type === type);
    for (const f of faults) {
      if (f.kind === 'milestone-not-invoiced' || f.kind === 'time-not-billed') expect(by(f.key, 'invoice.issued'), f.key).toHaveLength(0);
      if (f.kind === 'payment-not-applied') expect(by(f.key, 'cash.applied'), f.key).toHaveLength(0);
      if (f.kind === 'change-not-reflected') expect(by(f.key, 'billing_schedule.updated'), f.key).toHaveLength(0);
      if (f.kind === 'approved-not-provisioned') expect(by(f.key, 'project.provisioned'), f.key).toHaveLength(0);
      if (f.kind === 'signed-not-in-erp') expect(by(f.key, 'order.created'), f.key).toHaveLength(0);
      if (f.kind === 'provisioned-not-billable') expect(by(f.key, 'billing_schedule.created'), f.key).toHaveLength(0);
      if (f.kind === 'sync-failed-unrecovered') {
        const runs = (referrers.get(f.key) ?? []).filter((e) => e.source === 'middleware');
        const failed = runs.filter((e) => e.type === 'sync.failed');
        expect(failed.length).toBeGreaterThan(0);
        const target = failed[0].attributes.flow_target;
        const lastFail = Math.max(...failed.map((e) => Date.parse(e.occurred_at)));
        expect(runs.filter((e) => e.type === 'sync.succeeded' && e.attributes.flow_target === target && Date.parse(e.occurred_at) > lastFail)).toHaveLength(0);
      }
      if (f.kind === 'invoice-not-collected') {
        const inv = events.find((e) => e.type === 'invoice.issued' && keyOf(e) === f.key)!;
        const paid = by(f.key, 'payment.received').reduce((s, e) => s + e.amount!, 0);
        const credited = by(f.key, 'credit_memo.issued').reduce((s, e) => s + e.amount!, 0);
        expect(paid + credited).toBeLessThan(inv.amount! - 0.005);
      }
    }
  });

  it('injects delivery faults: duplicates, late and out-of-order delivery, recovered syncs, mismatches, integration-error credits, disputes', () => {
    expect(all.filter((s) => s.redelivery).length).toBeGreaterThan(0);
    for (const kind of ['late-delivery', 'out-of-order', 'sync-recovered', 'amount-mismatch', 'credit-integration-error', 'dispute', 'late-step']) {
      expect(plan.faults.filter((f) => f.kind === kind).length, kind).toBeGreaterThan(0);
    }
    // Out of order: some payment is delivered before the invoice it pays.
    const deliveredAt = new Map(all.filter((s) => !s.redelivery).map((s) => [keyOf(s.event) + s.event.type, s.deliverAt]));
    const early = all.filter((s) => s.event.type === 'payment.received' && s.deliverAt < (deliveredAt.get(s.event.refs[0] + 'invoice.issued') ?? 0));
    expect(early.length).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'credit_memo.issued' && e.attributes.reason === 'integration_error')).toBe(true);
    expect(events.some((e) => e.type === 'invoice.issued' && Math.abs(e.amount! - Number(e.attributes.expected_amount)) > 0.01)).toBe(true);
  });

  it('sends a few events malformed (mapping defects): each is invalid for its field alone, some sent again corrected (a third of those under a new event ID), the rest never arrive valid', () => {
    const attempts = all.filter((s) => s.malformed);
    const delivered = new Map(all.filter(isDelivery).map((s) => [s.event.event_id, s]));
    // ~0.2% of ERP, PSA and payment events, scaled by each deal's risk
    expect(attempts.length).toBeGreaterThan(100);
    expect(attempts.length / all.length).toBeLessThan(0.005);
    expect(new Set(attempts.map((s) => s.event.source))).toEqual(new Set(['erp', 'psa', 'payments']));
    expect(new Set(attempts.map((s) => s.malformed))).toEqual(new Set(['amount-text', 'currency-case', 'local-date']));
    let resent = 0;
    let newId = 0;
    for (const s of attempts) {
      const body = malformedBody(s.event, s.malformed!);
      const v = validateEvent(body);
      const field = DEFECT_FIELD[s.malformed!];
      // rejected for that field only, and accepted once it is mapped back (a replay with a mapping)
      expect(v.errors?.map((e) => e.split(':')[0]), s.event.event_id).toEqual([field]);
      expect(canonicalEventSchema.parse({ ...body, [field]: s.event[field] })).toEqual(canonicalEventSchema.parse(s.event));
      // sent again under its event ID, or under a new one (resentAs), never both
      const later = delivered.get(s.resentAs ?? s.event.event_id);
      if (s.resentAs) {
        expect(later, s.resentAs).toBeDefined();
        expect(s.resentAs).not.toBe(s.event.event_id);
        expect(delivered.has(s.event.event_id)).toBe(false);
        expect(keyOf(later!.event)).toBe(keyOf(s.event));
        expect(later!.event.type).toBe(s.event.type);
        newId++;
      }
      if (later) {
        expect(later.deliverAt).toBeGreaterThan(s.deliverAt);
        resent++;
      }
    }
    // the ledger says which were sent again
    const kinds = new Map(plan.faults.filter((f) => f.kind === 'malformed' || f.kind === 'malformed-resent').map((f) => [f.key, f.kind]));
    for (const s of attempts) expect(kinds.get(keyOf(s.event))).toBe(delivered.has(s.resentAs ?? s.event.event_id) ? 'malformed-resent' : 'malformed');
    expect(resent / attempts.length).toBeGreaterThan(0.4);
    expect(resent / attempts.length).toBeLessThan(0.8);
    // about a third of those under a new event ID
    expect(newId / resent).toBeGreaterThan(0.15);
    expect(newId / resent).toBeLessThan(0.45);
  });

  it('starts with an opening book: engagements won before the window and still active in it, whose unpaid invoices age past 60 and 90 days', () => {
    const start = windowStart(DEFAULT);
    const opening = [...openingBook(DEFAULT)];
    expect(opening.length).toBeGreaterThan(100);
    for (const d of opening) {
      expect(d.startAt).toBeLessThan(start);
      expect(d.startAt).toBeGreaterThan(start - (OPENING_BOOK.days + 3) * 86_400_000);
      expect(d.events.some((se) => Date.parse(se.event.occurred_at) >= start)).toBe(true);
    }
    // in the backfill, with their IDs apart from the window's deals
    const won = new Set(events.filter((e) => e.type === 'opportunity.won').map((e) => e.entity_id));
    expect(opening.every((d) => won.has(d.correlationId.split(':').pop()!))).toBe(true);
    expect(won.size).toBeGreaterThanOrEqual(DEFAULT.deals + opening.length);
    // receivables overdue at now, by aging bucket: every bucket of DOMAIN.md §5 has some
    const dueAt = new Map(plan.due.filter((s) => s.event.type === 'invoice.issued').map((s) => [keyOf(s.event), Date.parse(s.event.due_at!)]));
    const aged = { '1-30': 0, '31-60': 0, '61-90': 0, '90+': 0 };
    for (const f of plan.faults) {
      const due = f.kind === 'invoice-not-collected' ? dueAt.get(f.key) : undefined;
      if (due === undefined || due >= NOW) continue;
      const days = (NOW - due) / 86_400_000;
      aged[days <= 30 ? '1-30' : days <= 60 ? '31-60' : days <= 90 ? '61-90' : '90+']++;
    }
    for (const [bucket, n] of Object.entries(aged)) expect(n, bucket).toBeGreaterThan(3);
  });

  it('looks like a firm: most deals healthy, a minority stuck, events in business hours on weekdays', () => {
    const world = buildWorld(42);
    let stuck = 0;
    for (let i = 0; i < 600; i++) {
      const d = simulateDeal(DEFAULT, world, i);
      if (d.faults.some((f) => (STUCK_RULES as readonly string[]).includes(f.kind))) stuck++;
    }
    const share = stuck / 600;
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.45);
    const human = events.filter((e) => ['contract.signed', 'project.provisioned', 'order.created', 'invoice.issued'].includes(e.type));
    const weekend = human.filter((e) => [0, 6].includes(new Date(e.occurred_at).getUTCDay()));
    expect(weekend.length / human.length).toBeLessThan(0.1);
    const invoices = events.filter((e) => e.type === 'invoice.issued');
    const unpaidOrLate = new Set(plan.faults.filter((f) => f.kind === 'invoice-not-collected' || f.kind === 'payment-late').map((f) => f.key));
    expect(invoices.filter((inv) => !unpaidOrLate.has(keyOf(inv))).length / invoices.length).toBeGreaterThan(0.7);
  });

  it('bills time and materials near the estimate: the approved time of a finished engagement within a band around its contract and changes', () => {
    const world = buildWorld(42);
    const ratios: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const d = simulateDeal(DEFAULT, world, i);
      if (d.billingModel !== 'time_and_materials') continue;
      const evs = d.events.map((s) => s.event);
      const contract = evs.find((e) => e.type === 'contract.signed')?.amount;
      const time = evs.filter((e) => e.type === 'time.approved').reduce((s, e) => s + (e.amount ?? 0), 0);
      if (!contract || time === 0) continue;
      const changes = evs.filter((e) => e.type === 'change_order.approved').reduce((s, e) => s + (e.amount ?? 0), 0);
      ratios.push(time / (contract + changes));
    }
    ratios.sort((a, b) => a - b);
    expect(ratios.length).toBeGreaterThan(100);
    // engagements capped at 24 weeks bill less than a large estimate; few bill much more
    // (2026-12-04: p50 0.90, p90 1.03, p99 1.21, max 1.74; before, p90 1.69 and up to 18×)
    expect(ratios[Math.floor(ratios.length / 2)]).toBeGreaterThan(0.7);
    expect(ratios[Math.floor(ratios.length * 0.9)]).toBeLessThan(1.3);
    expect(ratios[Math.floor(ratios.length * 0.99)]).toBeLessThan(1.5);
  });
});
