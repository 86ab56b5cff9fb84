// The runner over time: backfill sends exactly what was due by "now" in delivery order;
// live then continues the same world (held-back events and newly won deals) as the
// simulated clock advances, never sending an event before its time.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { DAY } from './calendar';
import { backfillPlan, dealsWonByNow, simulateDeal } from './generate';
import { buildWorld } from './world';
import { nextDue, Progress, runBackfill, runLive } from './runner';
import { memorySink } from './sink';

describe('simulator runner', () => {
  afterEach(() => vi.useRealTimers());

  it('prints the rate since the previous progress line, the summary the average since the start', () => {
    vi.useFakeTimers({ now: 0 });
    const lines: string[] = [];
    const progress = new Progress((l) => lines.push(l));
    const ok = (n: number) => ({ accepted: n, duplicates: 0, rejected: 0 });
    progress.maybePrint('backfill of 10 deals', 0); // at once: no rate yet
    vi.setSystemTime(10_000);
    progress.add(50_000, ok(50_000));
    progress.maybePrint('backfill');
    // live: 30 events in the next 60 s
    vi.setSystemTime(70_000);
    progress.add(30, ok(30));
    progress.maybePrint('live');
    expect(lines).toEqual([
      '[simulator] backfill of 10 deals: sent 0, accepted 0, duplicates 0, rejected 0',
      '[simulator] backfill: sent 50000, accepted 50000, duplicates 0, rejected 0, 5000 events/s over the last 10 s',
      '[simulator] live: sent 50030, accepted 50030, duplicates 0, rejected 0, 0.5 events/s over the last 60 s',
    ]);
    // a line only every `everyMs`
    progress.maybePrint('live');
    expect(lines).toHaveLength(3);
    expect(progress.line('stopped')).toBe('[simulator] stopped: sent 50030, accepted 50030, duplicates 0, rejected 0, 715 events/s');
  });

  it('backfills what is due, then live continues the same world at SPEED', async () => {
    // A "now" at which the first deal after the window's count is already won (its win moved
    // into its local working day, before its slot): the backfill sends it, live mode does not
    // send its past events again. (With the wall clock as "now", this test failed at some
    // hours of the day: live sent such a deal's events with receipts before "now".) Found from
    // a fixed instant, so the test is the same at any hour: the simulated clock starts at
    // `now` whatever the wall clock says.
    const from = Date.UTC(2026, 10, 2);
    const base = { seed: 5, deals: 90, days: 30 };
    const world = buildWorld(base.seed);
    const now = Array.from({ length: 14 * 24 * 4 }, (_, q) => from + q * 900_000).find((t) => {
      const o = { ...base, now: t };
      return simulateDeal(o, world, o.deals).startAt <= t;
    })!;
    expect(now).toBeDefined();
    const o = { ...base, now };
    expect([...dealsWonByNow(o, world)].length).toBeGreaterThan(0);
    const sink = memorySink();
    const progress = new Progress(() => undefined);
    const { held } = await runBackfill(o, sink, progress, { batchSize: 400, concurrency: 2 });
    const plan = backfillPlan(o);
    // the valid deliveries, and the malformed ones counted as rejected
    const malformed = plan.due.filter((s) => s.malformed).length;
    expect(sink.events.length).toBe(plan.due.length - malformed);
    expect(sink.malformed.length).toBe(malformed);
    expect(progress.rejected).toBe(malformed);
    expect(sink.events.every((e) => Date.parse(e.received_at!) <= o.now)).toBe(true);
    expect(held.size).toBe(plan.held.length);

    // Two simulated days in about a second: 2 × 1440 minutes per second.
    const sentBefore = sink.events.length;
    const startedWall = Date.now();
    await runLive(o, sink, progress, held, { speed: 2880, tickMs: 50, until: o.now + 2 * DAY });
    const elapsed = (Date.now() - startedWall) / 1000;
    const live = sink.events.slice(sentBefore);
    expect(live.length).toBeGreaterThan(0);
    // Nothing was sent before its (simulated) time: the clock ran at most `elapsed` × speed.
    const simLimit = o.now + (elapsed + 0.2) * 2880 * 60_000;
    expect(live.every((e) => Date.parse(e.received_at!) > o.now && Date.parse(e.received_at!) <= simLimit)).toBe(true);
    // The same world: held-back events of backfilled deals arrive, and new deals are won.
    const backfilledDeals = new Set(plan.due.filter((s) => s.event.type === 'opportunity.won').map((s) => s.event.entity_id));
    const newDeals = live.filter((e) => e.type === 'opportunity.won' && !backfilledDeals.has(e.entity_id));
    expect(newDeals.length).toBeGreaterThan(0);
    expect(newDeals.some((e) => Number(e.entity_id.slice(4)) >= 100000 + o.deals)).toBe(true);
    expect(live.some((e) => e.type !== 'opportunity.won' && plan.held.some((s) => s.event.event_id === e.event_id))).toBe(true);
    // Event ids repeat only for deliberate redeliveries.
    expect(progress.duplicates).toBe(sink.events.length - new Set(sink.events.map((e) => e.event_id)).size);
  });

  it('says when the next event is due while none is, and the next event goes out then', async () => {
    // A Saturday: the firm's offices are closed, only card payments and system syncs come.
    const o = { seed: 5, deals: 90, days: 30, now: Date.UTC(2026, 10, 7, 12) };
    const sink = memorySink();
    const lines: string[] = [];
    const { held } = await runBackfill(o, sink, new Progress(() => undefined), { batchSize: 400, concurrency: 2 });
    const before = sink.events.length;
    await runLive(o, sink, new Progress((l) => lines.push(l)), held, { speed: 1 / 60, tickMs: 10, until: o.now });
    expect(sink.events.length).toBe(before);
    const said = /, the next due (\d{4}-\d\d-\d\dT\d\d:\d\d)Z \(in (\d+(?:\.\d)?) (s|min|h)\): sent /.exec(lines.at(-1) ?? '');
    expect(said, lines.at(-1)).not.toBeNull();
    const at = Date.parse(`${said![1]}:00Z`);
    expect(at).toBeGreaterThan(o.now);
    // The wait is said in wall time: real time here, so the simulated wait itself.
    // (within its rounding, and the minute the time is cut to)
    const unit = { s: 1_000, min: 60_000, h: 3_600_000 }[said![3] as 's' | 'min' | 'h'];
    expect(Math.abs(Number(said![2]) * unit - (at - o.now))).toBeLessThanOrEqual(60_000 + (said![3] === 'h' ? 180_000 : unit));

    // Run on (fast): nothing goes out before the minute named, something within it.
    await runLive(o, sink, new Progress(() => undefined), held, { speed: 2880, tickMs: 20, until: at + 60_000 });
    const sent = sink.events.slice(before).map((e) => Date.parse(e.received_at!));
    expect(sent.length).toBeGreaterThan(0);
    expect(Math.min(...sent)).toBeGreaterThanOrEqual(at);
    expect(Math.min(...sent)).toBeLessThan(at + 60_000);
  });

  it('words the wait in wall time at the live speed', () => {
    const now = Date.UTC(2026, 11, 5, 6, 45);
    expect(nextDue(now, now, 1 / 60)).toBe('');
    expect(nextDue(now + 30_000, now, 1 / 60)).toBe(', the next due 2026-12-05T06:45Z (in 30 s)');
    expect(nextDue(now + 17 * 60_000, now, 1 / 60)).toBe(', the next due 2026-12-05T07:02Z (in 17 min)');
    expect(nextDue(now + 42.25 * 3_600_000, now, 1 / 60)).toBe(', the next due 2026-12-07T01:00Z (in 42.3 h)');
    // 10 simulated minutes per second: 42.25 simulated hours in 4 min
    expect(nextDue(now + 42.25 * 3_600_000, now, 10)).toBe(', the next due 2026-12-07T01:00Z (in 4 min)');
  });
});
