import { describe, expect, it } from 'vitest';
import { addBusinessDays } from './business-days';
import { analyseJourney, pathConformance, type StepEvent } from './conformance';

const at = (d: string) => `2026-03-${d}:00.000Z`;

describe('addBusinessDays', () => {
  it('skips weekends and keeps the time of day', () => {
    expect(addBusinessDays(new Date('2026-03-06T14:00:00Z'), 1).toISOString()).toBe('2026-03-09T14:00:00.000Z'); // Fri ▶ Mon
    expect(addBusinessDays(new Date('2026-03-07T10:00:00Z'), 1).toISOString()).toBe('2026-03-09T10:00:00.000Z'); // Sat ▶ Mon
    expect(addBusinessDays(new Date('2026-03-02T09:00:00Z'), 5).toISOString()).toBe('2026-03-09T09:00:00.000Z');
  });
});

describe('pathConformance', () => {
  it('accepts any prefix of the expected path and lists off-path steps', () => {
    expect(pathConformance('retainer', ['opportunity.won', 'quote.approved', 'change_order.approved'])).toEqual({
      conforming: true, missing: [], reordered: [], extra: ['change_order.approved'],
    });
  });
  it('finds skipped and reordered steps', () => {
    expect(pathConformance('time_and_materials', ['opportunity.won', 'contract.signed', 'quote.approved', 'project.provisioned'])).toEqual({
      conforming: false,
      missing: ['order.created'],
      reordered: [{ type: 'contract.signed', before: 'quote.approved' }],
      extra: [],
    });
  });
  it('falls back to the fixed-fee path for an unknown billing model', () => {
    expect(pathConformance('', ['opportunity.won', 'milestone.completed']).missing).toHaveLength(6);
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
  });
});
