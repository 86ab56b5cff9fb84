// The nine stuck-work rules of DOMAIN.md §5 with their default thresholds. A rule is an
// interval spec (which event starts the clock, which ends it, how they match, from which
// timestamp and for how long) plus an owner and what money is at stake. The SLA defaults
// (sql/041) mirror these; lib/sla/policy.test.ts keeps them in step. Every threshold is
// configurable (DOMAIN.md §5): a rule allows the time (threshold and unit) its SLA policy of
// the same id was last saved with (rulesFromPolicies), so a stuck item is the open breach of
// that policy; its events, matching and anchor stay DOMAIN.md's.

import { z } from 'zod';
import type { IntervalSpec, TimeUnit } from '../sla/interval-spec';

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

/** One of the nine (an SLA policy's id may be any slug, "constructor" too: never looked up on an object). */
export function isStuckRuleName(id: string): id is StuckRuleName {
  return (STUCK_RULE_NAMES as readonly string[]).includes(id);
}

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

/** The nine rules as configured: each with the threshold and unit it allows now. */
export type StuckRuleSet = Readonly<Record<StuckRuleName, StuckRule>>;

/** What a rule takes from its SLA policy. */
export interface RuleAllowance {
  id: string;
  threshold_hours: number;
  unit: TimeUnit;
}

/**
 * The rules with the time their SLA policies (same id) allow; a rule without a policy (none
 * saved under its id) keeps its default. A disabled policy still sets its rule's time: disabling
 * stops the SLA's breach counting, not the stuck queue.
 */
export function rulesFromPolicies(policies: readonly RuleAllowance[]): StuckRuleSet {
  const set = { ...STUCK_RULES };
  for (const p of policies) {
    const r = isStuckRuleName(p.id) ? STUCK_RULES[p.id] : null;
    if (r && (r.threshold_hours !== p.threshold_hours || r.unit !== p.unit)) set[r.name] = { ...r, threshold_hours: p.threshold_hours, unit: p.unit };
  }
  return set;
}

/** Thresholds are configurable per call too (hours, over the configured ones); unspecified rules keep theirs. */
export const thresholdOverridesSchema = z.partialRecord(stuckRuleNameSchema, z.number().min(0).max(24 * 365));
export type ThresholdOverrides = z.infer<typeof thresholdOverridesSchema>;

export function stuckRule(name: StuckRuleName, overrides: ThresholdOverrides = {}, set: StuckRuleSet = STUCK_RULES): StuckRule {
  const r = set[name];
  const t = overrides[name];
  return t === undefined ? r : { ...r, threshold_hours: t };
}

/** The time a rule allows, from what its clock runs: "after 2 business days", "35 calendar days after the period ends", "past the due date". */
export function describeAllowance(q: { rule: string; threshold_hours: number; unit: TimeUnit }): string {
  const h = q.threshold_hours;
  const days = h / 24;
  const span = h >= 24 && h % 24 === 0 ? `${days} ${q.unit} day${days === 1 ? '' : 's'}` : `${h} ${q.unit === 'business' ? 'business ' : ''}h`;
  const anchor = isStuckRuleName(q.rule) ? STUCK_RULES[q.rule].anchor : null;
  if (anchor === 'due_at') return h ? `${span} past the due date` : 'past the due date';
  if (anchor === 'period_end') return `${span} after the period ends`;
  return `after ${span}`;
}

/** Aging buckets in days late (DOMAIN.md §5 invoice buckets, used for every queue). */
export const AGING_BUCKETS = ['1-30', '31-60', '61-90', '90+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];
