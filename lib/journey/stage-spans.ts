// Stage durations of a deal's journey: when each progress stage (DOMAIN.md §4) began,
// when the next one began, and how long it took (the current stage runs until now).

import { PROGRESS_STAGES, STAGE_OF, type ProgressStage } from '../events/stages';
import type { EventType } from '../events/catalogue';
import type { StageSpan } from '../contracts/deals';

export function stageSpans(events: readonly { type: string; occurred_at: string }[], now: Date, complete: boolean): StageSpan[] {
  const start = new Map<ProgressStage, number>();
  const count = new Map<ProgressStage, number>();
  let lastAt = 0;
  for (const e of events) {
    const s = STAGE_OF[e.type as EventType] as string;
    const t = new Date(e.occurred_at).getTime();
    lastAt = Math.max(lastAt, t);
    if (!(PROGRESS_STAGES as readonly string[]).includes(s)) continue;
    const ps = s as ProgressStage;
    count.set(ps, (count.get(ps) ?? 0) + 1);
    if (!start.has(ps) || t < start.get(ps)!) start.set(ps, t);
  }
  const reached = PROGRESS_STAGES.filter((s) => start.has(s));
  const current = reached[reached.length - 1];
  return PROGRESS_STAGES.map((stage) => {
    const st = start.get(stage);
    if (st === undefined) return { stage, status: 'pending', started_at: null, ended_at: null, duration_ms: null, events: 0 };
    // A stage ends when a later stage began (the earliest such start not before it).
    const later = PROGRESS_STAGES.slice(PROGRESS_STAGES.indexOf(stage) + 1)
      .map((s) => start.get(s))
      .filter((t): t is number => t !== undefined && t >= st);
    let end: number | null = later.length ? Math.min(...later) : null;
    if (end === null && complete) end = lastAt;
    const isCurrent = stage === current && !complete;
    return {
      stage,
      status: isCurrent ? 'current' : 'done',
      started_at: new Date(st).toISOString(),
      ended_at: end === null ? null : new Date(end).toISOString(),
      duration_ms: Math.max(0, (end ?? now.getTime()) - st),
      events: count.get(stage) ?? 0,
    };
  });
}
