import { describe, expect, it, vi } from 'vitest';
import type { Store } from '../clickhouse/client';
import { sharedTempStore } from '../testing/shared-temp-store';
import { ClockRefresher, roundOf } from './refresher';

let store: Store;
sharedTempStore((s) => (store = s));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Marks `perMark` rows of one new deal every 100 ms for `ms`. */
async function write(r: ClockRefresher, ms: number, perMark: number, tag: string): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    r.markDirty(Array.from({ length: perMark }, () => `crm:opportunity:${tag}-${t}`));
    await sleep(100);
  }
}

describe('ClockRefresher and a store closed under it', () => {
  it('stops without a word when a round fails because its store was closed (its files already removed)', async () => {
    let shut = false;
    const gone = () => Promise.reject(new Error('Code: 107. Cannot open file /tmp/x/store/02d/2026_1_1_0/data.bin: , errno: 2'));
    const closing = {
      ...store,
      isClosed: () => shut,
      query: (...a: Parameters<Store['query']>) => (shut ? gone() : store.query(...a)),
      command: (...a: Parameters<Store['command']>) => (shut ? gone() : store.command(...a)),
    } as Store;
    const r = new ClockRefresher(closing, { quietMs: 10, maxLagMs: 20, burstMaxLagMs: 20, burstRowsPerS: 1000 });
    r.start();
    await r.settled();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      shut = true;
      r.markDirty(['crm:opportunity:after-close']);
      await r.settled();
      await sleep(300);
      await r.settled();
      expect(logged).not.toHaveBeenCalled();
      // closed: a later mark starts nothing
      const rounds = r.rounds;
      r.markDirty(['crm:opportunity:later']);
      await sleep(100);
      await r.settled();
      expect(r.rounds).toBe(rounds);
    } finally {
      logged.mockRestore();
      r.close();
    }
  });
});

describe('ClockRefresher timing', () => {
  it('recomputes within the normal lag under a trickle of writes, and waits out a burst (rounds resume once it pauses)', async () => {
    // Scaled down: quiet 300 ms, lag 600 ms (5 s in a burst of ≥ 1000 rows a second).
    const r = new ClockRefresher(store, { quietMs: 300, maxLagMs: 600, burstMaxLagMs: 5000, burstRowsPerS: 1000 });
    r.start();
    await r.settled();
    // A trickle (100 rows a second, never quiet for 300 ms): a round within the lag.
    const before = r.rounds;
    await write(r, 1500, 10, 'trickle');
    expect(r.rounds).toBeGreaterThan(before);
    await sleep(400);
    await r.settled();
    // A burst (2000 rows a second) for 2 s: past the normal lag, no round …
    const atBurst = r.rounds;
    await write(r, 2000, 200, 'burst');
    expect(r.rounds).toBe(atBurst);
    // … until it pauses: a round within 2 s of the pause (quiet is 300 ms; the slack is for a
    // starved CPU under parallel test files — a 600 ms bound failed once on a slow machine),
    // while the burst's own lag (5 s from its start) would not fire before 3 s after it.
    const paused = Date.now();
    while (r.rounds === atBurst && Date.now() - paused < 2000) await sleep(50);
    expect(r.rounds).toBeGreaterThan(atBurst);
    await r.settled();
    r.close();
  });

  it('a write that runs longer than the quiet time is not a pause: no round until it ends', async () => {
    const r = new ClockRefresher(store, { quietMs: 300, maxLagMs: 5000, burstMaxLagMs: 5000, burstRowsPerS: 1000 });
    r.start();
    await r.settled();
    const before = r.rounds;
    r.markDirty(['crm:opportunity:slow']);
    r.writing(1);
    await sleep(2000);
    expect(r.rounds).toBe(before);
    r.writing(-1);
    await sleep(1000);
    expect(r.rounds).toBeGreaterThan(before);
    await r.settled();
    r.close();
  });

  it('reports how far the snapshot is behind: the oldest waiting mark, moved on by a round to what was marked during it', async () => {
    const r = new ClockRefresher(store, { quietMs: 200, maxLagMs: 5000, burstMaxLagMs: 5000, burstRowsPerS: 1_000_000 });
    r.start();
    await r.settled();
    expect(r.status()).toEqual({ pendingDeals: 0, behindSince: null });
    const t0 = Date.now();
    r.markDirty(['crm:opportunity:fresh-a', 'crm:opportunity:fresh-b', '']);
    const first = r.status();
    expect(first.pendingDeals).toBe(2);
    expect(first.behindSince!.getTime()).toBeGreaterThanOrEqual(t0);
    await sleep(50);
    r.markDirty(['crm:opportunity:fresh-a']); // already waiting: the backlog is no younger
    expect(r.status().behindSince).toEqual(first.behindSince);
    // a mark while the round runs: once the round is done, that mark is the oldest waiting
    const started = r.rounds;
    while (r.rounds === started) await sleep(5);
    await sleep(1);
    const t1 = Date.now();
    r.markDirty(['crm:opportunity:fresh-c']);
    r.writing(1); // no next round until the check below
    while (r.status().pendingDeals > 1) await sleep(10);
    const after = r.status();
    expect(after.pendingDeals).toBe(1);
    expect(after.behindSince!.getTime()).toBeGreaterThanOrEqual(t1);
    r.writing(-1);
    await sleep(300);
    await r.settled();
    expect(r.status()).toEqual({ pendingDeals: 0, behindSince: null });
    r.close();
  });

  it('spaces rounds while writes go on, but works a backlog off round after round once they pause', async () => {
    const r = new ClockRefresher(store, { quietMs: 300, maxLagMs: 100, burstMaxLagMs: 100, burstRowsPerS: 1_000_000 });
    r.start();
    await r.settled();
    // Writes go on (one running throughout): rounds start on the lag, each at least twice the
    // previous round's length after it.
    r.writing(1);
    r.markDirty(Array.from({ length: 6_000 }, (_, i) => `crm:opportunity:spaced-${i}`));
    const before = r.rounds;
    while (r.rounds < before + 2) await sleep(20);
    r.writing(-1);
    await r.settled();
    const [s1, s2] = r.recentRounds.slice(-2);
    expect(s2.start - s1.end).toBeGreaterThanOrEqual(2 * (s1.end - s1.start) - 5);
    // Writes paused: 6,000 deals are two rounds (5,000 a round), back to back.
    r.markDirty(Array.from({ length: 6_000 }, (_, i) => `crm:opportunity:backlog-${i}`));
    const atBacklog = r.rounds;
    await r.settled();
    expect(r.rounds - atBacklog).toBe(2);
    const [b1, b2] = r.recentRounds.slice(-2);
    expect(b2.start - b1.end).toBeLessThan(b1.end - b1.start);
    r.close();
  });
});

describe('roundOf', () => {
  it('takes up to 5,000 deals and, to a server, fewer when their IDs would pass 120 KiB of URL (a parameter takes 128 KiB), always at least one', () => {
    const short = Array.from({ length: 6_000 }, (_, i) => `crm:opportunity:OPP-${i}`);
    expect(roundOf(short, 'embedded')).toEqual(short.slice(0, 5_000));
    const bytes = (ids: string[]) => ids.reduce((n, id) => n + encodeURIComponent(id).length + 9, 0);
    for (const ids of [short, Array.from({ length: 6_000 }, (_, i) => `crm:opportunity:${'Ü'.repeat(100)}-${i}`)]) {
      const round = roundOf(ids, 'server');
      expect(round.length).toBeLessThan(5_000);
      expect(round).toEqual(ids.slice(0, round.length));
      expect(bytes(round)).toBeLessThanOrEqual(120 * 1024);
      expect(bytes(ids.slice(0, round.length + 1))).toBeGreaterThan(120 * 1024);
    }
    const huge = [`crm:opportunity:${'x'.repeat(600_000)}`, 'crm:opportunity:B'];
    expect(roundOf(huge, 'server')).toEqual([huge[0]]);
    expect(roundOf([], 'server')).toEqual([]);
  });
});
