// Drives a sink through time. Backfill: every event of the window whose delivery time
// has passed, in delivery order, in large batches with a few requests in flight. Live:
// the same world continues, its clock running at SPEED simulated minutes per wall second;
// events are sent (in small batches) when their delivery time comes, and new deals keep
// being won at the backfill's pace.

import { backfillPlan, simulateDeal, type SimOptions } from './generate';
import { malformedBody, type SimEvent } from './emit';
import type { CanonicalEvent } from '../../lib/events/schema';
import { EventHeap } from './heap';
import type { Sink } from './sink';
import { buildWorld } from './world';

export class Progress {
  sent = 0;
  accepted = 0;
  duplicates = 0;
  rejected = 0;
  private readonly started = Date.now();
  private lastPrint = 0;
  /** What had been sent when the last progress line was printed, and when (its rate). */
  private lastLine = { at: Date.now(), sent: 0 };

  constructor(private readonly log: (line: string) => void = console.log) {}

  add(sent: number, r: { accepted: number; duplicates: number; rejected: number }): void {
    this.sent += sent;
    this.accepted += r.accepted;
    this.duplicates += r.duplicates;
    this.rejected += r.rejected;
  }

  private totals(label: string): string {
    return `[simulator] ${label}: sent ${this.sent}, accepted ${this.accepted}, duplicates ${this.duplicates}, rejected ${this.rejected}`;
  }

  /** Totals and the average rate since the start (a summary: "backfill done", "stopped"). */
  line(label: string): string {
    const secs = Math.max(0.001, (Date.now() - this.started) / 1000);
    return `${this.totals(label)}, ${Math.round(this.sent / secs)} events/s`;
  }

  /**
   * A progress line at most every `everyMs`: totals and the rate since the previous line
   * (live, the average since the start fell for hours after the backfill's burst while
   * only a few events a minute went out).
   */
  maybePrint(label: string, everyMs = 2000): void {
    const now = Date.now();
    if (now - this.lastPrint < everyMs) return;
    this.lastPrint = now;
    const secs = Math.max(0.001, (now - this.lastLine.at) / 1000);
    const rate = (this.sent - this.lastLine.sent) / secs;
    this.lastLine = { at: now, sent: this.sent };
    const over = secs >= 1 ? `, ${rate >= 10 ? Math.round(rate) : rate.toFixed(1)} events/s over the last ${Math.round(secs)} s` : '';
    this.log(`${this.totals(label)}${over}`);
  }
}

/** Sends events in order, `batchSize` per request, at most `concurrency` requests in flight. */
export async function sendBatches(sink: Sink, events: SimEvent[], o: { batchSize: number; concurrency: number; progress: Progress; label: string; printEveryMs?: number }): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const batch = events.slice(next, next + o.batchSize);
      next += batch.length;
      const valid: CanonicalEvent[] = [];
      const malformed: Record<string, unknown>[] = [];
      for (const se of batch) {
        if (se.malformed) malformed.push(malformedBody(se.event, se.malformed));
        else valid.push(se.event);
      }
      const r = await sink.send(valid, malformed);
      o.progress.add(batch.length, r);
      o.progress.maybePrint(o.label, o.printEveryMs);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
}

export interface BackfillResult {
  /** Events whose delivery time is still ahead (the live mode sends them later). */
  held: EventHeap;
  deals: number;
}

export async function runBackfill(o: SimOptions, sink: Sink, progress: Progress, batch = { batchSize: 3000, concurrency: 3 }): Promise<BackfillResult> {
  const plan = backfillPlan(o);
  progress.maybePrint(`backfill of ${plan.deals} deals: ${plan.due.length} events due, ${plan.held.length} held back`, 0);
  await sendBatches(sink, plan.due, { ...batch, progress, label: 'backfill' });
  const held = new EventHeap();
  for (const se of plan.held) held.push(se);
  return { held, deals: plan.deals };
}

export interface LiveOptions {
  /** Simulated minutes per wall-clock second. */
  speed: number;
  tickMs?: number;
  batchSize?: number;
  signal?: AbortSignal;
  /** Stop once the simulated clock reaches this instant (tests); default: run until aborted. */
  until?: number;
}

const LIVE_PRINT_MS = 10_000;

/**
 * When the next event is due, for the live progress line: the firm keeps office hours, so
 * at weekends (about 4 events an hour, nearly all card payments and system syncs) minutes
 * pass with no event, and a line of "0.0 events/s" alone reads as a stall. '' when one is
 * due now.
 */
export function nextDue(nextAt: number, simNow: number, speed: number): string {
  if (!Number.isFinite(nextAt) || nextAt <= simNow) return '';
  const wallS = (nextAt - simNow) / (speed * 60_000);
  const wait = wallS < 60 ? `${Math.ceil(wallS)} s` : wallS < 3600 ? `${Math.round(wallS / 60)} min` : `${(wallS / 3600).toFixed(1)} h`;
  return `, the next due ${new Date(nextAt).toISOString().slice(0, 16)}Z (in ${wait})`;
}

export async function runLive(o: SimOptions, sink: Sink, progress: Progress, held: EventHeap, lo: LiveOptions): Promise<void> {
  const world = buildWorld(o.seed);
  const tickMs = lo.tickMs ?? 1000;
  const wall0 = Date.now();
  const sim0 = o.now;
  // The deals after the window's, but for those won by `now` (the backfill sent them: dealsWonByNow).
  let nextIndex = o.deals - 1;
  const nextDeal = () => {
    for (;;) {
      const deal = simulateDeal(o, world, ++nextIndex);
      // firstSendAt: its first event goes out once the deal is won and the event's time has come
      if (deal.startAt > sim0) return { ...deal, firstSendAt: Math.max(deal.startAt, Math.min(...deal.events.map((se) => se.deliverAt))) };
    }
  };
  let upcoming = nextDeal();
  while (!lo.signal?.aborted) {
    const simNow = sim0 + ((Date.now() - wall0) / 1000) * lo.speed * 60_000;
    // New deals are won at the same pace as in the backfill window.
    while (upcoming.startAt <= simNow) {
      for (const se of upcoming.events) held.push(se);
      upcoming = nextDeal();
    }
    const due: SimEvent[] = [];
    while (held.size > 0 && held.peek()!.deliverAt <= simNow) due.push(held.pop()!);
    // one progress line every 10 s (the sends and the clock's line share it)
    if (due.length > 0) await sendBatches(sink, due, { batchSize: lo.batchSize ?? 500, concurrency: 1, progress, label: `live ${new Date(simNow).toISOString().slice(0, 16)}Z`, printEveryMs: LIVE_PRINT_MS });
    const nextAt = Math.min(held.peek()?.deliverAt ?? Infinity, upcoming.firstSendAt);
    progress.maybePrint(`live ${new Date(simNow).toISOString().slice(0, 16)}Z, ${held.size} events waiting${nextDue(nextAt, simNow, lo.speed)}`, LIVE_PRINT_MS);
    if (lo.until !== undefined && simNow >= lo.until) return;
    await new Promise((r) => setTimeout(r, tickMs));
  }
}
