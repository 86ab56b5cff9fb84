// Conformance of a deal to the expected path of its billing model (DOMAIN.md §4; the
// order its steps wait for each other: lib/events/stages PATH_PREREQUISITES):
// which steps are done, missing, repeated, reordered or late, and what is expected
// next and how late it is. Pure functions: the journey page and the variants view
// share them, so "conforming" means the same thing everywhere.

import { isCatalogueType, type CatalogueType } from '../events/catalogue';
import { STAGE_OF, ancestorsOf, expectedPath, prerequisitesOf } from '../events/stages';
import type { Deviation, NextStep, PathStep } from '../contracts/deals';
import { describeWindow, dueAt, lateBy, stepWindow, stepWindows } from './step-windows';
import { calendarFor, type BusinessCalendar } from '../sla/calendars';
import { STUCK_RULES, type StuckRuleSet } from '../stuck/rules';

/**
 * Steps whose clock DOMAIN.md §5 starts at the first of several events (a stuck rule matched
 * per deal): a project is due 2 business days after the quote is approved or the contract
 * signed, whichever came first, so the journey's "due" agrees with the deal's open item.
 */
const CLOCK_FROM_FIRST: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.values(STUCK_RULES)
    .filter((r) => r.match === 'deal' && r.start_events.length > 1)
    .flatMap((r) => r.end_events.map((e) => [e, r.start_events] as const)),
);

/** Steps that happen once per deal; a second occurrence is rework (a repeated step). */
export const ONCE_PER_DEAL: ReadonlySet<string> = new Set<CatalogueType>([
  'opportunity.won',
  'quote.approved',
  'contract.signed',
  'order.created',
  'project.provisioned',
  'billing_schedule.created',
]);

export interface PathShape {
  conforming: boolean;
  missing: string[];
  reordered: { type: string; before: string }[];
  extra: string[];
}

/**
 * Conformance of a path given as step types in the order each first happened, against the
 * order its billing model's steps wait for each other (lib/events/stages PATH_PREREQUISITES).
 * Missing: a step never seen that a step seen waits for (directly or through another).
 * Reordered: a step that first happened before a step it waits for (named in `before`: the
 * first such on the path). Steps that do not wait for each other may come in either order,
 * and an open deal is conforming so far. Off-path steps are listed but allowed.
 */
export function pathConformance(billingModel: string, firstOccurrenceOrder: readonly string[]): PathShape {
  const path = expectedPath(billingModel) as string[];
  const position = new Map(firstOccurrenceOrder.map((t, i) => [t, i]));
  /** Every step some step seen waits for. */
  const needed = new Set<string>();
  const reordered: { type: string; before: string }[] = [];
  for (const t of path) {
    const pt = position.get(t);
    if (pt === undefined) continue;
    const ancestors = ancestorsOf(billingModel, t);
    for (const x of ancestors) needed.add(x);
    const before = ancestors.find((x) => (position.get(x) ?? -1) > pt);
    if (before) reordered.push({ type: t, before });
  }
  const missing = path.filter((t) => needed.has(t) && !position.has(t));
  const onPath = new Set(path);
  const extra = firstOccurrenceOrder.filter((t) => !onPath.has(t));
  return { conforming: missing.length === 0 && reordered.length === 0, missing, reordered, extra };
}

export interface StepEvent {
  type: string;
  occurred_at: string;
  due_at: string | null;
}

export interface JourneyAnalysis {
  expected_path: PathStep[];
  deviations: Deviation[];
  next_step: NextStep | null;
  conforming: boolean;
}

interface Seen {
  at: Date;
  due: Date | null;
  count: number;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Events must be in business-time order. `now` is a parameter so results are reproducible.
 * `calendar`: the deal's legal entity's (business-day windows and their lateness); `rules`: the
 * stuck rules as configured (their thresholds set the steps' windows), else the defaults.
 */
export function analyseJourney(
  billingModel: string,
  events: readonly StepEvent[],
  now: Date,
  calendar: BusinessCalendar = calendarFor(''),
  rules: StuckRuleSet = STUCK_RULES,
): JourneyAnalysis {
  const windows = stepWindows(rules);
  const path = expectedPath(billingModel) as string[];
  const seen = new Map<string, Seen>();
  for (const e of events) {
    const s = seen.get(e.type);
    if (s) s.count += 1;
    else seen.set(e.type, { at: new Date(e.occurred_at), due: e.due_at ? new Date(e.due_at) : null, count: 1 });
  }
  const order = [...seen.keys()];
  const shape = pathConformance(billingModel, order);
  const missing = new Set(shape.missing);
  const deviations: Deviation[] = [];

  for (const t of shape.missing) {
    deviations.push({ kind: 'missing', type: t, message: `${t} never happened, but later steps did` });
  }
  for (const r of shape.reordered) {
    deviations.push({ kind: 'reordered', type: r.type, before: r.before, message: `${r.type} happened before ${r.before}` });
  }
  for (const t of path) {
    const s = seen.get(t);
    if (s && s.count > 1 && ONCE_PER_DEAL.has(t)) {
      deviations.push({ kind: 'repeated', type: t, count: s.count, message: `${t} happened ${s.count} times` });
    }
  }

  /**
   * The step `t` waited for: the latest of its prerequisites that happened (by `until`, when
   * given); for a step in CLOCK_FROM_FIRST, the first of its clock's start events.
   */
  const waitsFor = (t: string, until?: Date): string | null => {
    const first = CLOCK_FROM_FIRST[t];
    let anchor: string | null = null;
    for (const p of first ?? prerequisitesOf(billingModel, t)) {
      const a = seen.get(p);
      if (!a || (until && a.at > until)) continue;
      if (!anchor || (first ? a.at < seen.get(anchor)!.at : a.at >= seen.get(anchor)!.at)) anchor = p;
    }
    return anchor;
  };
  const dueOf = (t: string, anchor: string | null): Date | null => {
    const a = anchor ? seen.get(anchor) : undefined;
    return anchor && a ? dueAt(anchor, t, a.at, a.due, calendar, windows) : null;
  };

  const steps: PathStep[] = path.map((t) => {
    const s = seen.get(t);
    const stage = STAGE_OF[t as CatalogueType];
    if (s) {
      const anchor = waitsFor(t, s.at);
      const due = dueOf(t, anchor);
      const late = due && anchor ? lateBy(anchor, t, due, s.at, calendar, windows) : null;
      if (late && late > 0 && anchor) {
        deviations.push({ kind: 'late', type: t, late_by_ms: late, message: `${t} came late after ${anchor} (allowed ${describeWindow(stepWindow(anchor, t, windows))})` });
      }
      return { type: t, stage, status: 'done', first_at: iso(s.at), count: s.count, due_at: iso(due), late_by_ms: late };
    }
    if (missing.has(t)) return { type: t, stage, status: 'missing', first_at: null, count: 0, due_at: null, late_by_ms: null };
    // Next: everything it waits for has happened (or was skipped: the deal went on without it).
    if (prerequisitesOf(billingModel, t).every((p) => seen.has(p) || missing.has(p))) {
      const anchor = waitsFor(t);
      const due = dueOf(t, anchor);
      const late = due && anchor ? lateBy(anchor, t, due, now, calendar, windows) : 0;
      return { type: t, stage, status: 'next', first_at: null, count: 0, due_at: iso(due), late_by_ms: late };
    }
    return { type: t, stage, status: 'pending', first_at: null, count: 0, due_at: null, late_by_ms: null };
  });

  // Of the steps that can come next (set-up runs in several systems at once), the most overdue.
  let next: PathStep | undefined;
  for (const st of steps) if (st.status === 'next' && (!next || (st.late_by_ms ?? 0) > (next.late_by_ms ?? 0))) next = st;
  let nextStep: NextStep | null = null;
  if (next) {
    const anchor = waitsFor(next.type);
    nextStep = {
      type: next.type,
      stage: next.stage,
      waits_for: anchor,
      waits_for_at: anchor ? iso(seen.get(anchor)!.at) : null,
      window: anchor ? describeWindow(stepWindow(anchor, next.type, windows)) : null,
      due_at: next.due_at,
      late_by_ms: next.late_by_ms ?? 0,
      overdue: (next.late_by_ms ?? 0) > 0,
    };
  }
  const kindOrder = { missing: 0, reordered: 1, repeated: 2, late: 3 } as const;
  deviations.sort((x, y) => kindOrder[x.kind] - kindOrder[y.kind] || path.indexOf(x.type) - path.indexOf(y.type));
  const conforming = shape.conforming && !deviations.some((d) => d.kind === 'repeated');
  return { expected_path: steps, deviations, next_step: nextStep, conforming };
}

/** Types that count as steps of a path (integration events are telemetry, not steps). */
export function isPathStep(type: string): boolean {
  return isCatalogueType(type) && STAGE_OF[type] !== 'integration';
}
