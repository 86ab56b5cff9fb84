// Conformance of a deal to the expected path of its billing model (DOMAIN.md §4):
// which steps are done, missing, repeated, reordered or late, and what is expected
// next and how late it is. Pure functions: the journey page and the variants view
// share them, so "conforming" means the same thing everywhere.

import { isCatalogueType, type CatalogueType } from '../events/catalogue';
import { STAGE_OF, expectedPath } from '../events/stages';
import type { Deviation, NextStep, PathStep } from '../contracts/deals';
import { WAITS_FOR, describeWindow, dueAt, stepWindow } from './step-windows';

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
 * Conformance of a path given as step types in the order each first happened.
 * Conforming: the expected steps present form the start of the expected path, in order
 * (an open deal is conforming so far). Off-path steps are listed but allowed.
 */
export function pathConformance(billingModel: string, firstOccurrenceOrder: readonly string[]): PathShape {
  const path = expectedPath(billingModel) as string[];
  const position = new Map(firstOccurrenceOrder.map((t, i) => [t, i]));
  const furthest = path.reduce((f, t, i) => (position.has(t) ? i : f), -1);
  const missing = path.slice(0, Math.max(furthest, 0)).filter((t) => !position.has(t));
  const reordered: { type: string; before: string }[] = [];
  path.forEach((t, j) => {
    const pj = position.get(t);
    if (pj === undefined) return;
    const before = path.slice(0, j).find((x) => (position.get(x) ?? -1) > pj);
    if (before) reordered.push({ type: t, before });
  });
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

/** Events must be in business-time order. `now` is a parameter so results are reproducible. */
export function analyseJourney(billingModel: string, events: readonly StepEvent[], now: Date): JourneyAnalysis {
  const path = expectedPath(billingModel) as string[];
  const seen = new Map<string, Seen>();
  for (const e of events) {
    const s = seen.get(e.type);
    if (s) s.count += 1;
    else seen.set(e.type, { at: new Date(e.occurred_at), due: e.due_at ? new Date(e.due_at) : null, count: 1 });
  }
  const order = [...seen.keys()];
  const shape = pathConformance(billingModel, order);
  const furthest = path.reduce((f, t, i) => (seen.has(t) ? i : f), -1);
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

  /** The step `t` (at path index j) waits for: an explicit dependency, else the nearest earlier step that happened. */
  const waitsFor = (t: string, j: number): string | null => {
    const explicit = WAITS_FOR[t as CatalogueType];
    if (explicit && seen.has(explicit)) return explicit;
    for (let i = j - 1; i >= 0; i--) if (seen.has(path[i])) return path[i];
    return null;
  };

  const steps: PathStep[] = path.map((t, j) => {
    const s = seen.get(t);
    const stage = STAGE_OF[t as CatalogueType];
    const anchor = waitsFor(t, j);
    const a = anchor ? seen.get(anchor)! : null;
    const due = anchor && a ? dueAt(anchor, t, a.at, a.due) : null;
    if (s) {
      const late = due ? Math.max(0, s.at.getTime() - due.getTime()) : null;
      if (late && late > 0 && anchor) {
        deviations.push({ kind: 'late', type: t, late_by_ms: late, message: `${t} came late after ${anchor} (allowed ${describeWindow(stepWindow(anchor, t))})` });
      }
      return { type: t, stage, status: 'done', first_at: iso(s.at), count: s.count, due_at: iso(due), late_by_ms: late };
    }
    if (j < furthest) return { type: t, stage, status: 'missing', first_at: null, count: 0, due_at: null, late_by_ms: null };
    if (j === furthest + 1) {
      const late = due ? Math.max(0, now.getTime() - due.getTime()) : 0;
      return { type: t, stage, status: 'next', first_at: null, count: 0, due_at: iso(due), late_by_ms: late };
    }
    return { type: t, stage, status: 'pending', first_at: null, count: 0, due_at: null, late_by_ms: null };
  });

  const next = steps.find((s) => s.status === 'next');
  let nextStep: NextStep | null = null;
  if (next) {
    const anchor = waitsFor(next.type, path.indexOf(next.type));
    nextStep = {
      type: next.type,
      stage: next.stage,
      waits_for: anchor,
      waits_for_at: anchor ? iso(seen.get(anchor)!.at) : null,
      window: anchor ? describeWindow(stepWindow(anchor, next.type)) : null,
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
