import { describe, expect, it } from 'vitest';
import { analyseJourney, pathConformance, type StepEvent } from './conformance';
import { addBusinessSeconds, businessSecondsAt } from '../sla/business-time';
import { calendarFor } from '../sla/calendars';
import { describeWindow, stepWindow, stepWindows } from './step-windows';
import { STUCK_RULES, rulesFromPolicies } from '../stuck/rules';

const at = (d: string) => `2026-03-${d}:00.000Z`;
const BOOKED = ['opportunity.won', 'quote.approved', 'contract.signed'];
const SET_UP = [...BOOKED, 'order.created', 'project.provisioned', 'billing_schedule.created', 'resource.assigned'];

describe('addBusinessSeconds (business days as the clocks count them)', () => {
  const DAY = 86_400;
  const plus = (t: string, days: number, entity = '') => addBusinessSeconds(new Date(t), days * DAY, calendarFor(entity)).toISOString();
  it('skips weekends, keeping the time of day from a working day; a weekend start counts from Monday', () => {
    expect(plus('2026-03-06T14:00:00Z', 1)).toBe('2026-03-09T14:00:00.000Z'); // Fri ▶ Mon
    expect(plus('2026-03-07T10:00:00Z', 1)).toBe('2026-03-10T00:00:00.000Z'); // Sat ▶ Mon 00:00 + 1 day
    expect(plus('2026-03-02T09:00:00Z', 5)).toBe('2026-03-09T09:00:00.000Z');
    expect(plus('2026-03-02T09:00:00Z', 0)).toBe('2026-03-02T09:00:00.000Z');
  });
  it('skips the legal entity’s holidays, and is the inverse of its business seconds', () => {
    // 2026-12-25 (Friday) is a holiday of the default calendar: Thursday + 1 day is Monday
    expect(plus('2026-12-24T11:00:00Z', 1)).toBe('2026-12-28T11:00:00.000Z');
    for (const entity of ['', 'SG01', 'UK01']) {
      const c = calendarFor(entity);
      for (const t of ['2026-03-06T14:00:00Z', '2026-03-07T10:00:00Z', '2026-12-24T23:59:59Z', '2026-08-09T12:00:00Z']) {
        const u = addBusinessSeconds(new Date(t), 2 * DAY, c);
        expect(businessSecondsAt(u, c) - businessSecondsAt(new Date(t), c)).toBe(2 * DAY);
        expect(u.getTime()).toBeGreaterThan(Date.parse(t));
      }
    }
  });
});

describe('stepWindow', () => {
  it('is each business-time stuck rule’s threshold from its start events to its end events (one table)', () => {
    let pairs = 0;
    for (const r of Object.values(STUCK_RULES)) {
      if (r.unit !== 'business' || r.anchor !== 'occurred_at') continue;
      for (const s of r.start_events) for (const e of r.end_events) {
        expect(stepWindow(s, e), `${r.name}: ${s} > ${e}`).toEqual({ kind: 'business_days', n: r.threshold_hours / 24 });
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThanOrEqual(7);
    expect(stepWindow('order.created', 'billing_schedule.created')).toEqual(stepWindow('project.provisioned', 'billing_schedule.created'));
  });
  it('follows the rules as configured (their SLA policies): threshold and unit, one table per rule set', () => {
    const rules = rulesFromPolicies([
      { id: 'signed-not-in-erp', threshold_hours: 36, unit: 'calendar' },
      { id: 'provisioned-not-billable', threshold_hours: 24, unit: 'business' },
      { id: 'time-not-billed', threshold_hours: 20 * 24, unit: 'calendar' },
      { id: 'invoice-not-collected', threshold_hours: 7 * 24, unit: 'calendar' },
    ]);
    const w = stepWindows(rules);
    expect(stepWindows(rules)).toBe(w);
    expect(stepWindow('contract.signed', 'order.created', w)).toEqual({ kind: 'days', n: 1.5 });
    expect(describeWindow(stepWindow('contract.signed', 'order.created', w))).toBe('36 hours');
    expect(stepWindow('order.created', 'billing_schedule.created', w)).toEqual({ kind: 'business_days', n: 1 });
    expect(stepWindow('time.approved', 'invoice.issued', w)).toEqual({ kind: 'days', n: 20 });
    expect(describeWindow(stepWindow('invoice.issued', 'payment.received', w))).toBe('by the due date + 7 days (else 30 days)');
    // the defaults are untouched
    expect(stepWindow('contract.signed', 'order.created')).toEqual({ kind: 'business_days', n: 1 });
    expect(describeWindow(stepWindow('invoice.issued', 'payment.received'))).toBe('by the due date (else 30 days)');
  });
});

describe('pathConformance', () => {
  it('accepts any prefix of the expected path and lists off-path steps', () => {
    expect(pathConformance('retainer', ['opportunity.won', 'quote.approved', 'change_order.approved'])).toEqual({
      conforming: true, missing: [], reordered: [], extra: ['change_order.approved'],
    });
  });
  it('finds reordered steps: a step before one it waits for', () => {
    // The sales order (ERP) and the project (PSA) both wait for the signature, not for each other.
    expect(pathConformance('time_and_materials', ['opportunity.won', 'contract.signed', 'quote.approved', 'project.provisioned'])).toEqual({
      conforming: false,
      missing: [],
      reordered: [{ type: 'contract.signed', before: 'quote.approved' }],
      extra: [],
    });
    // Time approved before anyone was staffed, and an invoice before its billing schedule.
    expect(pathConformance('time_and_materials', [...SET_UP.filter((t) => t !== 'resource.assigned'), 'time.approved', 'resource.assigned']).reordered).toEqual([
      { type: 'time.approved', before: 'resource.assigned' },
    ]);
    expect(pathConformance('retainer', [...BOOKED, 'order.created', 'project.provisioned', 'invoice.issued', 'billing_schedule.created']).reordered).toEqual([
      { type: 'invoice.issued', before: 'billing_schedule.created' },
    ]);
  });
  it('finds skipped steps: never seen, while a step waiting for them (directly or through another) was', () => {
    // Invoiced without a billing schedule: the schedule is missing, the sales order it bills too.
    expect(pathConformance('time_and_materials', [...BOOKED, 'project.provisioned', 'resource.assigned', 'time.approved', 'invoice.issued'])).toMatchObject({
      conforming: false,
      missing: ['order.created', 'billing_schedule.created'],
      reordered: [],
    });
    // A milestone completed with nobody staffed on the project.
    expect(pathConformance('milestone', [...BOOKED, 'order.created', 'project.provisioned', 'billing_schedule.created', 'milestone.completed']).missing).toEqual(['resource.assigned']);
  });
  it('lets steps of different systems that do not wait for each other come in either order', () => {
    // Staffed before the billing schedule exists; the project before the sales order.
    const orders = [
      [...BOOKED, 'order.created', 'project.provisioned', 'resource.assigned', 'billing_schedule.created', 'time.approved', 'invoice.issued'],
      [...BOOKED, 'project.provisioned', 'resource.assigned', 'time.approved', 'order.created', 'billing_schedule.created', 'invoice.issued'],
      [...BOOKED, 'project.provisioned', 'order.created', 'billing_schedule.created', 'resource.assigned', 'time.approved', 'invoice.issued', 'payment.received', 'cash.applied'],
    ];
    for (const o of orders) expect(pathConformance('time_and_materials', o), o.join(' ')).toEqual({ conforming: true, missing: [], reordered: [], extra: [] });
    // A deal still in set-up is conforming so far whatever of it is done.
    expect(pathConformance('fixed_fee', [...BOOKED, 'project.provisioned', 'resource.assigned']).conforming).toBe(true);
  });
  it('falls back to the fixed-fee path for an unknown billing model', () => {
    expect(pathConformance('', ['opportunity.won', 'milestone.completed']).missing).toEqual(['quote.approved', 'contract.signed', 'project.provisioned', 'resource.assigned']);
  });
});

describe('analyseJourney', () => {
  it('expects the first step of a deal that has none yet, with no due date', () => {
    const r = analyseJourney('fixed_fee', [{ type: 'sync.failed', occurred_at: at('02T09:00'), due_at: null }], new Date(at('03T09:00')));
    expect(r.next_step).toEqual({
      type: 'opportunity.won', stage: 'booked', waits_for: null, waits_for_at: null, window: null, due_at: null, late_by_ms: 0, overdue: false,
    });
    expect(r.conforming).toBe(true);
  });
  it('uses the invoice due date for the payment and is not overdue before it', () => {
    const events = [
      'opportunity.won', 'quote.approved', 'contract.signed', 'order.created', 'project.provisioned', 'billing_schedule.created',
    ].map((type, i): StepEvent => ({ type, occurred_at: at(`0${2 + i}T09:00`), due_at: null }));
    events.push({ type: 'invoice.issued', occurred_at: at('10T09:00'), due_at: '2026-04-30T00:00:00.000Z' });
    const r = analyseJourney('retainer', events, new Date('2026-04-15T00:00:00Z'));
    expect(r.next_step).toMatchObject({ type: 'payment.received', waits_for: 'invoice.issued', due_at: '2026-04-30T00:00:00.000Z', overdue: false, late_by_ms: 0 });
    // a grace of 7 days after the due date (the invoice-not-collected policy), 3 days past it: not late; 10 days past: 3 days late
    const grace = rulesFromPolicies([{ id: 'invoice-not-collected', threshold_hours: 7 * 24, unit: 'calendar' }]);
    const inGrace = analyseJourney('retainer', events, new Date('2026-05-03T00:00:00Z'), calendarFor(''), grace);
    expect(inGrace.next_step).toMatchObject({ due_at: '2026-05-07T00:00:00.000Z', overdue: false, late_by_ms: 0 });
    const past = analyseJourney('retainer', events, new Date('2026-05-10T00:00:00Z'), calendarFor(''), grace);
    expect(past.next_step).toMatchObject({ due_at: '2026-05-07T00:00:00.000Z', overdue: true, late_by_ms: 3 * 86_400_000 });
    expect(analyseJourney('retainer', events, new Date('2026-05-10T00:00:00Z')).next_step).toMatchObject({ overdue: true, late_by_ms: 10 * 86_400_000 });
  });
  it('expects every set-up step whose prerequisites are done, and names the most overdue one next', () => {
    // Signed 2 March (Mon); project on the 4th; no sales order, nobody staffed, no schedule.
    const events: StepEvent[] = [
      { type: 'opportunity.won', occurred_at: at('02T08:00'), due_at: null },
      { type: 'quote.approved', occurred_at: at('02T09:00'), due_at: null },
      { type: 'contract.signed', occurred_at: at('02T09:00'), due_at: null },
      { type: 'project.provisioned', occurred_at: at('04T09:00'), due_at: null },
    ];
    const r = analyseJourney('time_and_materials', events, new Date(at('16T09:00')));
    const status = Object.fromEntries(r.expected_path.map((s) => [s.type, s.status]));
    expect(status).toMatchObject({ 'order.created': 'next', 'project.provisioned': 'done', 'billing_schedule.created': 'pending', 'resource.assigned': 'next', 'time.approved': 'pending' });
    // The sales order was due a business day after the signature (3rd), staffing five after the project (11th);
    // late in business time, as the stuck rules count it: the weekends in between do not count.
    expect(r.expected_path.find((s) => s.type === 'resource.assigned')).toMatchObject({ due_at: '2026-03-11T09:00:00.000Z', late_by_ms: 3 * 86_400_000 });
    expect(r.next_step).toMatchObject({ type: 'order.created', waits_for: 'contract.signed', window: '1 business day', due_at: '2026-03-03T09:00:00.000Z', late_by_ms: 9 * 86_400_000, overdue: true });
    expect(r.deviations).toEqual([]);
    expect(r.conforming).toBe(true);
  });
  it('measures the project from the quote or the contract, whichever came first (DOMAIN.md §5, as the stuck rule and the SLA do)', () => {
    // Quote approved Monday 08:30, contract signed Wednesday: the project was due Wednesday 08:30.
    const events: StepEvent[] = [
      { type: 'opportunity.won', occurred_at: at('02T08:00'), due_at: null },
      { type: 'quote.approved', occurred_at: at('02T08:30'), due_at: null },
      { type: 'contract.signed', occurred_at: at('04T09:00'), due_at: null },
    ];
    const open = analyseJourney('fixed_fee', events, new Date(at('05T08:30')));
    expect(open.expected_path.find((s) => s.type === 'project.provisioned')).toMatchObject({ status: 'next', due_at: '2026-03-04T08:30:00.000Z', late_by_ms: 86_400_000 });
    expect(open.next_step).toMatchObject({ type: 'project.provisioned', waits_for: 'quote.approved', window: '2 business days', overdue: true });
    const done = analyseJourney('fixed_fee', [...events, { type: 'project.provisioned', occurred_at: at('04T10:30'), due_at: null }], new Date(at('05T08:30')));
    expect(done.deviations).toEqual([
      { kind: 'late', type: 'project.provisioned', late_by_ms: 2 * 3_600_000, message: 'project.provisioned came late after quote.approved (allowed 2 business days)' },
    ]);
  });
  it('measures a step with two prerequisites from the later one, and a skipped step from what came instead', () => {
    const events: StepEvent[] = [
      ...SET_UP.slice(0, 3).map((type, i): StepEvent => ({ type, occurred_at: at(`02T0${i + 1}:00`), due_at: null })),
      { type: 'project.provisioned', occurred_at: at('03T09:00'), due_at: null },
      { type: 'order.created', occurred_at: at('05T09:00'), due_at: null }, // 2 days late
      { type: 'billing_schedule.created', occurred_at: at('13T09:00'), due_at: null }, // 3 business days after the order: the 10th
      { type: 'milestone.completed', occurred_at: at('20T09:00'), due_at: null }, // nobody staffed
    ];
    const r = analyseJourney('milestone', events, new Date(at('23T09:00')));
    const bs = r.expected_path.find((s) => s.type === 'billing_schedule.created')!;
    expect(bs).toMatchObject({ status: 'done', due_at: '2026-03-10T09:00:00.000Z', late_by_ms: 3 * 86_400_000 });
    expect(r.deviations.map((d) => [d.kind, d.type])).toEqual([
      ['missing', 'resource.assigned'],
      ['late', 'order.created'],
      ['late', 'billing_schedule.created'],
    ]);
    expect(r.deviations.find((d) => d.type === 'billing_schedule.created')!.message).toBe('billing_schedule.created came late after order.created (allowed 3 business days)');
    expect(r.next_step).toMatchObject({ type: 'invoice.issued', waits_for: 'milestone.completed', window: '5 business days', overdue: false });
    expect(r.conforming).toBe(false);
  });
});
