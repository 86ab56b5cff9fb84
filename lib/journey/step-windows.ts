// How long each step of the expected path may take after the step it waits for (the
// latest of its prerequisites, lib/events/stages PATH_PREREQUISITES).
// DOMAIN.md §5's windows come from the stuck rules as configured (ruleWindows); the others are
// defaults for steps no rule covers, so that every open deal has a "due by".
// Business days are counted as the clocks count them (lib/sla/business-time): on the deal's
// legal entity's calendar (weekends and its holidays stopped), and lateness after a business-day
// window is business time too, so a journey's step and the deal's open item say the same.

import { addBusinessSeconds, businessSecondsAt } from '../sla/business-time';
import type { BusinessCalendar } from '../sla/calendars';
import { STUCK_RULES, type StuckRule, type StuckRuleSet } from '../stuck/rules';

const DAY_MS = 86_400_000;

export type StepWindow =
  | { kind: 'business_days'; n: number }
  | { kind: 'days'; n: number }
  /** The invoice's own due date (payment terms) plus `grace` (in its unit), else `n` days. */
  | { kind: 'due_at'; n: number; grace: { kind: 'business_days' | 'days'; n: number } };

/** Step "a>b" → its window. */
export type StepWindows = Readonly<Record<string, StepWindow>>;

const daysOf = (r: StuckRule) => ({ kind: r.unit === 'business' ? 'business_days' : 'days', n: r.threshold_hours / 24 }) as const;

/**
 * DOMAIN.md §5's windows, taken from the stuck rules themselves as configured (each start event
 * to each end event of a rule counted from the start's occurrence, in the rule's unit): one
 * table, so a journey's due date is its open item's.
 */
function ruleWindows(rules: StuckRuleSet): Record<string, StepWindow> {
  return Object.fromEntries(
    Object.values(rules)
      .filter((r) => r.anchor === 'occurred_at')
      .flatMap((r) => r.start_events.flatMap((s) => r.end_events.map((e) => [`${s}>${e}`, daysOf(r) as StepWindow]))),
  );
}

const built = new WeakMap<StuckRuleSet, StepWindows>();

/** Every step's window with the rules as configured (one table per rule set). */
export function stepWindows(rules: StuckRuleSet = STUCK_RULES): StepWindows {
  const hit = built.get(rules);
  if (hit) return hit;
  const fromRules = ruleWindows(rules);
  const table: Record<string, StepWindow> = {
    'opportunity.won>quote.approved': { kind: 'business_days', n: 5 },
    'quote.approved>contract.signed': { kind: 'business_days', n: 10 },
    // a schedule after the sales order: as after the project (DOMAIN)
    'order.created>billing_schedule.created': fromRules['project.provisioned>billing_schedule.created'],
    'project.provisioned>resource.assigned': { kind: 'business_days', n: 5 },
    'resource.assigned>milestone.completed': { kind: 'days', n: 30 },
    'resource.assigned>time.approved': { kind: 'days', n: 14 },
    // DOMAIN time-not-billed (the rule counts from the period's end; the journey from the approval)
    'time.approved>invoice.issued': daysOf(rules['time-not-billed']),
    'billing_schedule.created>invoice.issued': { kind: 'days', n: 31 },
    // DOMAIN invoice-not-collected: paid by the due date (plus the rule's threshold)
    'invoice.issued>payment.received': { kind: 'due_at', n: 30, grace: daysOf(rules['invoice-not-collected']) },
    ...fromRules,
  };
  built.set(rules, table);
  return table;
}

const DEFAULT_WINDOW: StepWindow = { kind: 'business_days', n: 5 };

export function stepWindow(after: string, step: string, windows: StepWindows = stepWindows()): StepWindow {
  return windows[`${after}>${step}`] ?? DEFAULT_WINDOW;
}

const addDays = (at: Date, w: { kind: 'business_days' | 'days'; n: number }, calendar: BusinessCalendar) =>
  w.kind === 'business_days' ? addBusinessSeconds(at, w.n * 86_400, calendar) : new Date(at.getTime() + w.n * DAY_MS);

/** When `step` is due, given when the step it waits for happened (and that step's due date, if any). */
export function dueAt(after: string, step: string, afterAt: Date, afterDueAt: Date | null, calendar: BusinessCalendar, windows?: StepWindows): Date {
  const w = stepWindow(after, step, windows);
  if (w.kind === 'due_at') return afterDueAt ? (w.grace.n ? addDays(afterDueAt, w.grace, calendar) : afterDueAt) : addDays(afterAt, { kind: 'days', n: w.n }, calendar);
  return addDays(afterAt, w, calendar);
}

/** How late `at` is for a step due at `due` (ms, 0 if not): business time after a business-day window, else calendar time. */
export function lateBy(after: string, step: string, due: Date, at: Date, calendar: BusinessCalendar, windows?: StepWindows): number {
  if (at <= due) return 0;
  const w = stepWindow(after, step, windows);
  if ((w.kind === 'due_at' ? w.grace.kind : w.kind) !== 'business_days') return at.getTime() - due.getTime();
  return Math.max(0, (businessSecondsAt(at, calendar) - businessSecondsAt(due, calendar)) * 1000);
}

/** "2 business days", "36 hours", "by the due date + 7 days (else 30 days)". */
export function describeWindow(w: StepWindow): string {
  if (w.kind === 'due_at') return `by the due date${w.grace.n ? ` + ${describeWindow(w.grace)}` : ''} (else ${w.n} days)`;
  const business = w.kind === 'business_days' ? 'business ' : '';
  const [n, what] = Number.isInteger(w.n) ? [w.n, 'day'] : [Math.round(w.n * 24 * 100) / 100, 'hour'];
  return `${n} ${business}${what}${n === 1 ? '' : 's'}`;
}
