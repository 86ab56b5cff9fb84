// Drives a sink through time. Backfill: every event of the window whose delivery time
// has passed, in delivery order, in large batches with a few requests in flight. Live:
// the same world continues, its clock running at SPEED simulated minutes per wall second;
// events are sent (in small batches) when their delivery time comes, and new deals keep
// being won at the backfill's pace.

import { backfillPlan, simulateDeal, type SimOptions } from './generate';
import type { SimEvent } from './emit';
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

  constructor(private readonly log: (line: string) => void = console.log) {}

  add(sent: number, r: { accepted: number; duplicates: number; rejected: number }): void {
    this.sent += sent;
    this.accepted += r.accepted;
    this.duplicates += r.duplicates;
    this.rejected += r.rejected;
  }

  line(label: string): string {
    const secs = Math.max(0.001, (Date.now() - this.started) / 1000);
    return `[simulator] ${label}: sent ${this.sent}, accepted ${this.accepted}, duplicates ${this.duplicates}, rejected ${this.rejected}, ${Math.round(this.sent / secs)} events/s`;
  }

  maybePrint(label: string, everyMs = 2000): void {
    if (Date.now() - this.lastPrint < everyMs) return;
    this.lastPrint = Date.now();
    this.log(this.line(label));
  }
}

/** Sends events in order, `batchSize` per request, at most `concurrency` requests in flight. */
export async function sendBatches(sink: Sink, events: SimEvent[], o: { batchSize: number; concurrency: number; progress: Progress; label: string }): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const batch = events.slice(next, next + o.batchSize);
      next += batch.length;
      const r = await sink.send(batch.map((se) => se.event));
      o.progress.add(batch.length, r);
      o.progress.maybePrint(o.label);
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

export async function runLive(o: SimOptions, sink: Sink, progress: Progress, held: EventHeap, lo: LiveOptions): Promise<void> {
  const world = buildWorld(o.seed);
  const tickMs = lo.tickMs ?? 1000;
  const wall0 = Date.now();
  const sim0 = o.now;
  let nextIndex = o.deals;
  let upcoming = simulateDeal(o, world, nextIndex);
  while (!lo.signal?.aborted) {
    const simNow = sim0 + ((Date.now() - wall0) / 1000) * lo.speed * 60_000;
    // New deals are won at the same pace as in the backfill window.
    while (upcoming.startAt <= simNow) {
      for (const se of upcoming.events) held.push(se);
      upcoming = simulateDeal(o, world, ++nextIndex);
    }
    const due: SimEvent[] = [];
    while (held.size > 0 && held.peek()!.deliverAt <= simNow) due.push(held.pop()!);
    if (due.length > 0) await sendBatches(sink, due, { batchSize: lo.batchSize ?? 500, concurrency: 1, progress, label: `live ${new Date(simNow).toISOString().slice(0, 16)}Z` });
    progress.maybePrint(`live ${new Date(simNow).toISOString().slice(0, 16)}Z, ${held.size} events waiting`, 10_000);
    if (lo.until !== undefined && simNow >= lo.until) return;
    await new Promise((r) => setTimeout(r, tickMs));
  }
}
