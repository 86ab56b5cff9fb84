// The nine stuck-work rules of DOMAIN.md §5 with their default thresholds. A rule is an
// interval spec (which event starts the clock, which ends it, how they match, from which
// timestamp and for how long) plus an owner and what money is at stake. The SLA defaults
// (sql/041) mirror these; lib/sla/policy.test.ts keeps them in step.

import { z } from 'zod';
import type { IntervalSpec } from '../sla/interval-spec';

export const STUCK_RULE_NAMES = [
  'approved-not-provisioned',
  'signed-not-in-erp',
  'provisioned-not-billable',
  'milestone-not-invoiced',
  'time-not-billed',
  'change-not-reflected',
  'invoice-not-collected',
  'payment-not-applied',
  'sync-failed-unrecovered',
] as const;
export const stuckRuleNameSchema = z.enum(STUCK_RULE_NAMES);
export type StuckRuleName = (typeof STUCK_RULE_NAMES)[number];

export interface StuckRule extends IntervalSpec {
  name: StuckRuleName;
  title: string;
  owner: string;
  money: string;
}

const bd = (days: number) => days * 24;

export const STUCK_RULES: Record<StuckRuleName, StuckRule> = {
  'approved-not-provisioned': {
    name: 'approved-not-provisioned', title: 'Approved, no project', owner: 'PMO', money: 'contract value',
    start_events: ['quote.approved', 'contract.signed'], end_events: ['project.provisioned'],
    match: 'deal', anchor: 'occurred_at', threshold_hours: bd(2), unit: 'business',
  },
  'signed-not-in-erp': {
    name: 'signed-not-in-erp', title: 'Signed, not in ERP', owner: 'Finance ops', money: 'contract value',
    start_events: ['contract.signed'], end_events: ['order.created'],
    match: 'deal', anchor: 'occurred_at', threshold_hours: bd(1), unit: 'business',
  },
  'provisioned-not-billable': {
    name: 'provisioned-not-billable', title: 'Project without billing schedule', owner: 'Finance', money: 'contract value',
    start_events: ['project.provisioned'], end_events: ['billing_schedule.created'],
    match: 'deal', anchor: 'occurred_at', threshold_hours: bd(3), unit: 'business',
  },
  'milestone-not-invoiced': {
    name: 'milestone-not-invoiced', title: 'Milestone not invoiced', owner: 'Finance', money: 'milestone amount',
    start_events: ['milestone.completed'], end_events: ['invoice.issued'],
    match: 'record', anchor: 'occurred_at', threshold_hours: bd(5), unit: 'business',
  },
  'time-not-billed': {
    name: 'time-not-billed', title: 'Approved time not billed', owner: 'Finance', money: 'hours × rate',
    start_events: ['time.approved'], end_events: ['invoice.issued'],
    match: 'record', anchor: 'period_end', threshold_hours: 35 * 24, unit: 'calendar',
  },
  'change-not-reflected': {
    name: 'change-not-reflected', title: 'Change order not reflected', owner: 'Finance', money: 'change value',
    start_events: ['change_order.approved'], end_events: ['contract.amended', 'billing_schedule.updated'],
    match: 'record', anchor: 'occurred_at', threshold_hours: bd(2), unit: 'business',
  },
  'invoice-not-collected': {
    name: 'invoice-not-collected', title: 'Invoice overdue', owner: 'Collections', money: 'open amount',
    start_events: ['invoice.issued'], end_events: ['payment.received', 'credit_memo.issued'],
    match: 'invoice-paid', anchor: 'due_at', threshold_hours: 0, unit: 'calendar',
  },
  'payment-not-applied': {
    name: 'payment-not-applied', title: 'Payment not applied', owner: 'Finance', money: 'payment amount',
    start_events: ['payment.received'], end_events: ['cash.applied'],
    match: 'record', anchor: 'occurred_at', threshold_hours: bd(1), unit: 'business',
  },
  'sync-failed-unrecovered': {
    name: 'sync-failed-unrecovered', title: 'Failed sync not recovered', owner: 'IT', money: 'value of the record',
    start_events: ['sync.failed'], end_events: ['sync.succeeded'],
    match: 'sync-recovery', anchor: 'occurred_at', threshold_hours: 1, unit: 'calendar',
  },
};

/** Thresholds are configurable per call (hours); unspecified rules keep their defaults. */
export const thresholdOverridesSchema = z.partialRecord(stuckRuleNameSchema, z.number().min(0).max(24 * 365));
export type ThresholdOverrides = z.infer<typeof thresholdOverridesSchema>;

export function stuckRule(name: StuckRuleName, overrides: ThresholdOverrides = {}): StuckRule {
  const r = STUCK_RULES[name];
  const t = overrides[name];
  return t === undefined ? r : { ...r, threshold_hours: t };
}

/** Aging buckets in days late (DOMAIN.md §5 invoice buckets, used for every queue). */
export const AGING_BUCKETS = ['1-30', '31-60', '61-90', '90+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];
