// How long each step of the expected path may take after the step it waits for (the
// latest of its prerequisites, lib/events/stages PATH_PREREQUISITES).
// DOMAIN.md §5's windows come from the stuck rules (RULE_WINDOWS); the others are defaults
// for steps no rule covers, so that every open deal has a "due by".
// Business days are counted as the clocks count them (lib/sla/business-time): on the deal's
// legal entity's calendar (weekends and its holidays stopped), and lateness after a business-day
// window is business time too, so a journey's step and the deal's open item say the same.

import { addBusinessSeconds, businessSecondsAt } from '../sla/business-time';
import type { BusinessCalendar } from '../sla/calendars';
import { STUCK_RULES } from '../stuck/rules';

const DAY_MS = 86_400_000;

export type StepWindow =
  | { kind: 'business_days'; n: number }
  | { kind: 'days'; n: number }
  /** The invoice's own due date (payment terms), else `n` days. */
  | { kind: 'due_at'; n: number };

/**
 * DOMAIN.md §5's business-day windows, taken from the stuck rules themselves (each start event
 * to each end event of a rule counted from the start's occurrence in business time): one
 * table, so a journey's due date is its open item's.
 */
const RULE_WINDOWS: Record<string, StepWindow> = Object.fromEntries(
  Object.values(STUCK_RULES)
    .filter((r) => r.unit === 'business' && r.anchor === 'occurred_at')
    .flatMap((r) => r.start_events.flatMap((s) => r.end_events.map((e) => [`${s}>${e}`, { kind: 'business_days', n: r.threshold_hours / 24 } as StepWindow]))),
);

const WINDOWS: Record<string, StepWindow> = {
  'opportunity.won>quote.approved': { kind: 'business_days', n: 5 },
  'quote.approved>contract.signed': { kind: 'business_days', n: 10 },
  // a schedule after the sales order: as after the project (DOMAIN)
  'order.created>billing_schedule.created': RULE_WINDOWS['project.provisioned>billing_schedule.created'],
  'project.provisioned>resource.assigned': { kind: 'business_days', n: 5 },
  'resource.assigned>milestone.completed': { kind: 'days', n: 30 },
  'resource.assigned>time.approved': { kind: 'days', n: 14 },
  // DOMAIN time-not-billed (the rule counts from the period's end; the journey from the approval)
  'time.approved>invoice.issued': { kind: 'days', n: STUCK_RULES['time-not-billed'].threshold_hours / 24 },
  'billing_schedule.created>invoice.issued': { kind: 'days', n: 31 },
  'invoice.issued>payment.received': { kind: 'due_at', n: 30 }, // DOMAIN invoice-not-collected
  ...RULE_WINDOWS,
};

const DEFAULT_WINDOW: StepWindow = { kind: 'business_days', n: 5 };

export function stepWindow(after: string, step: string): StepWindow {
  return WINDOWS[`${after}>${step}`] ?? DEFAULT_WINDOW;
}

/** When `step` is due, given when the step it waits for happened (and that step's due date, if any). */
export function dueAt(after: string, step: string, afterAt: Date, afterDueAt: Date | null, calendar: BusinessCalendar): Date {
  const w = stepWindow(after, step);
  if (w.kind === 'business_days') return addBusinessSeconds(afterAt, w.n * 86_400, calendar);
  if (w.kind === 'due_at' && afterDueAt) return afterDueAt;
  return new Date(afterAt.getTime() + w.n * DAY_MS);
}

/** How late `at` is for a step due at `due` (ms, 0 if not): business time after a business-day window, else calendar time. */
export function lateBy(after: string, step: string, due: Date, at: Date, calendar: BusinessCalendar): number {
  if (at <= due) return 0;
  if (stepWindow(after, step).kind !== 'business_days') return at.getTime() - due.getTime();
  return Math.max(0, (businessSecondsAt(at, calendar) - businessSecondsAt(due, calendar)) * 1000);
}

export function describeWindow(w: StepWindow): string {
  if (w.kind === 'business_days') return `${w.n} business day${w.n === 1 ? '' : 's'}`;
  if (w.kind === 'due_at') return `by the due date (else ${w.n} days)`;
  return `${w.n} day${w.n === 1 ? '' : 's'}`;
}
