// Keeps the clocks' snapshot current behind the ingest writer: the writer marks the deals
// each stored batch (and each move) touched; one round at a time, every clock is recomputed
// for those deals. Ingest comes first: a round starts once writes have paused for a moment
// (QUIET_MS, none running) or the oldest pending deal has waited MAX_LAG_MS —
// BURST_MAX_LAG_MS while ingest runs flat out (a backfill, a replay: the engine runs one
// statement at a time, and rounds run mid-burst took half of a bench run's time, halving its
// insert rate) — and while writes go on, rounds take at most a third of the time (a round
// costs a roughly fixed ~50 ms per clock plus the deals' share, so larger, rarer rounds cost
// less than many small ones); once writes pause, a backlog is worked off round after round.
// At start it builds the clocks that are missing (new definitions, a new store) and
// recomputes the deals written in the last 15 minutes (a crash may have cut a round short).
// A failed round puts its deals back and is retried; clocks keep being read from the events
// directly (exact, slower) until their build is complete, so a lagging snapshot is never a
// wrong one for long: settled() waits for it.

import type { Store, StoreKind } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { metrics } from '../observability/metrics';
import { allClocks, type ClockSet } from './registry';
import { applyPatches, buildMissing, refreshDeals } from './build';
import { urlBytes, urlRanges } from '../clickhouse/url-budget';

/** Deals per round (an array parameter of the statement). */
const ROUND_LIMIT = 5_000;
/**
 * The first deals of `dirty` for a round: ROUND_LIMIT of them or, to a server, fewer when
 * their IDs would pass a parameter's share of URL (lib/clickhouse/url-budget: a round's
 * statement names its deals in one parameter, beside ~25 KB of the clocks' own).
 */
export function roundOf(dirty: Iterable<string>, kind: StoreKind): string[] {
  const ids: string[] = [];
  for (const id of dirty) {
    ids.push(id);
    if (ids.length >= ROUND_LIMIT) break;
  }
  const [[start, end] = [0, 0]] = urlRanges(kind, ids.length, (i) => urlBytes(ids[i]));
  return ids.slice(start, end);
}

/** Clock definitions (static + enabled SLA policies) are re-read at most this often. */
const DEFS_TTL_MS = 10_000;
const MAX_FAILURES = 5;
/** A round waits for this much quiet after the last write … */
const QUIET_MS = 1_000;
/** … unless its oldest deal has waited this long … */
const MAX_LAG_MS = 10_000;
/** … or this long while at least BURST_ROWS_PER_S rows a second were written since that deal waits. */
const BURST_MAX_LAG_MS = 60_000;
const BURST_ROWS_PER_S = 2_000;

export interface RefresherTiming {
  quietMs: number;
  maxLagMs: number;
  burstMaxLagMs: number;
  burstRowsPerS: number;
}
const TIMING: RefresherTiming = { quietMs: QUIET_MS, maxLagMs: MAX_LAG_MS, burstMaxLagMs: BURST_MAX_LAG_MS, burstRowsPerS: BURST_ROWS_PER_S };
/** Refreshes' deletes (patch parts) are materialized at most this often (build.ts applyPatches). */
const APPLY_PATCHES_MS = 60_000;

export class ClockRefresher {
  private dirty = new Set<string>();
  private running: Promise<void> | null = null;
  private defs: { at: number; set: ClockSet } | null = null;
  /** A round failed after its tally deltas and before its delete, maybe: reconcile the tallies. */
  private reconcile = false;
  private checkBuilds = true;
  /** The first build pass of this process is done (it also recomputes flow aggregates). */
  private startBuilt = false;
  private closed = false;
  private failures = 0;
  private lastMarkAt = 0;
  /** Writes the writer has running: while one runs, writes have not paused. */
  private writes = 0;
  private firstDirtyAt = 0;
  /** Rows (one ID per stored event) marked since firstDirtyAt: how hard ingest runs. */
  private rowsSinceFirstDirty = 0;
  /** Rounds started (tests). */
  rounds = 0;
  /** When the last few rounds started and ended (epoch ms; tests). */
  readonly recentRounds: { start: number; end: number }[] = [];
  private lastRoundMs = 0;
  private inRound = 0;
  private patchedAt = Date.now();
  /**
   * Since when the snapshot has lacked some written deal (epoch ms; null: every deal marked
   * so far is recomputed): the first mark of the oldest backlog still waiting. Stuck queues,
   * SLA and KPIs read the snapshot, so they are at most this old; journeys read the events.
   */
  private behindSince: number | null = null;
  /** The first mark after the running round took its deals (null: none yet). */
  private markedInRound: number | null = null;

  /** `store`: best a connection of its own, so rounds do not queue the writer's inserts. */
  constructor(
    private readonly store: Store,
    private readonly timing: RefresherTiming = TIMING,
  ) {}

  /** Builds missing clocks and recomputes recently written deals, in the background. */
  start(): void {
    metrics().gauge('cashtrace_clock_pending_deals', 'Deals whose clocks wait to be recomputed or are being recomputed (the snapshot lags ingest by them).', () => this.dirty.size + this.inRound);
    this.checkBuilds = true;
    this.recentDeals().then(
      (ids) => this.markDirty(ids),
      (err) => console.error(`[clocks] reading recently written deals failed: ${String(err)}`),
    );
    this.kick();
  }

  markDirty(ids: Iterable<string>): void {
    if (this.closed) return;
    const before = this.dirty.size;
    let rows = 0;
    for (const id of ids) {
      rows++;
      if (id) this.dirty.add(id);
    }
    this.lastMarkAt = Date.now();
    if (this.dirty.size > before) {
      this.behindSince ??= this.lastMarkAt;
      this.markedInRound ??= this.lastMarkAt;
    }
    if (!this.running) this.failures = 0; // a write after a give-up starts over
    if (before === 0) {
      this.firstDirtyAt = this.lastMarkAt;
      this.rowsSinceFirstDirty = 0;
    }
    this.rowsSinceFirstDirty += rows;
    if (this.dirty.size > 0) this.kick();
  }

  /**
   * The writer started (+1) or finished (-1) a write. A slow batch (a second or more on a
   * busy machine) must not look like a pause between writes: that started rounds mid-burst.
   */
  writing(delta: 1 | -1): void {
    this.writes += delta;
    this.lastMarkAt = Date.now();
  }

  /** A definition changed (an SLA policy was saved): re-read them and build what is new. */
  invalidate(): void {
    this.defs = null;
    this.checkBuilds = true;
    this.kick();
  }

  /**
   * How far the snapshot is behind the writes: deals waiting to be recomputed (or being
   * recomputed) and since when the oldest of them waits (null: none waits).
   */
  status(): { pendingDeals: number; behindSince: Date | null } {
    const pendingDeals = this.dirty.size + this.inRound;
    return { pendingDeals, behindSince: pendingDeals > 0 && this.behindSince !== null ? new Date(this.behindSince) : null };
  }

  /** Resolves once no round is due or running (a round that keeps failing is given up on). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.closed = true;
    this.dirty.clear();
  }

  private kick(): void {
    if (this.running || this.closed) return;
    this.running = this.loop().finally(() => {
      this.running = null;
      // Deals marked after the loop's last check and before this point found it still running.
      if (!this.closed && this.failures === 0 && (this.dirty.size > 0 || this.checkBuilds)) this.kick();
    });
  }

  private async definitions(): Promise<ClockSet> {
    if (!this.defs || Date.now() - this.defs.at > DEFS_TTL_MS) {
      const set = await allClocks(this.store);
      // a policy saved by another process: its clock and tally are built at the next turn
      // (and one that left the set has its build forgotten: buildMissing)
      const known = this.defs?.set;
      const differ = (a: Map<string, unknown>, b: Map<string, unknown>) => a.size !== b.size || [...a.keys()].some((id) => !b.has(id));
      if (known && (differ(set.clocks, known.clocks) || differ(set.tallies, known.tallies))) this.checkBuilds = true;
      this.defs = { at: Date.now(), set };
    }
    return this.defs.set;
  }

  private async loop(): Promise<void> {
    while (!this.closed && (this.checkBuilds || this.dirty.size > 0)) {
      let ids: string[] = [];
      let building = false;
      try {
        if (this.checkBuilds) {
          this.checkBuilds = false;
          building = true;
          const built = await buildMissing(this.store, await this.definitions(), { atStart: !this.startBuilt, reconcile: this.reconcile });
          this.startBuilt = true;
          this.reconcile = false;
          for (const b of built) metrics().clockBuildSeconds.observe(b.seconds);
          continue;
        }
        await this.untilDue();
        ids = roundOf(this.dirty, this.store.kind);
        for (const id of ids) this.dirty.delete(id);
        this.inRound = ids.length;
        // deals left for a later round (over ROUND_LIMIT) keep the backlog's age
        const leftOver = this.dirty.size > 0;
        this.markedInRound = null;
        this.rounds++;
        const started = performance.now();
        await refreshDeals(this.store, await this.definitions(), ids);
        this.inRound = 0;
        // what waits now was marked during the round, unless deals were left over
        if (!leftOver) this.behindSince = this.markedInRound;
        this.lastRoundMs = performance.now() - started;
        this.recentRounds.push({ start: Date.now() - this.lastRoundMs, end: Date.now() });
        if (this.recentRounds.length > 10) this.recentRounds.shift();
        metrics().clockRefreshSeconds.observe(this.lastRoundMs / 1000);
        if (this.dirty.size > 0) {
          this.firstDirtyAt = Date.now();
          this.rowsSinceFirstDirty = 0;
        }
        this.failures = 0;
        if (Date.now() - this.patchedAt >= APPLY_PATCHES_MS) {
          this.patchedAt = Date.now();
          // waited for: the next round's delete must not be in flight while the mutation is
          // chosen (ClickHouse #116686: a concurrent mutation can drop an in-flight patch)
          await applyPatches(this.store, { wait: true });
        }
      } catch (err) {
        this.inRound = 0;
        if (this.closed || this.store.isClosed?.() || /is closed|Usage: connection/.test(String(err))) {
          // closed, or the store closed under a round (shutdown, tests; its files may be gone
          // already, or its server): nothing left to do
          this.close();
          return;
        }
        for (const id of ids) this.dirty.add(id);
        // a round's tally deltas may be in without its delete: reconcile; a failed build (or
        // reconcile) is tried again, like a round, until MAX_FAILURES
        if (ids.length) this.reconcile = true;
        if (ids.length || building) this.checkBuilds = true;
        if (++this.failures >= MAX_FAILURES) {
          console.error(`[clocks] refresh keeps failing, given up until the next write: ${String(err)}`);
          return; // failures stays at the limit (no restart from kick's finally) until markDirty resets it
        }
        console.error(`[clocks] refresh failed (retrying): ${String(err)}`);
        await sleep(200 * this.failures);
      }
    }
  }

  /**
   * Waits until writes pause or the oldest pending deal is due. While writes go on, rounds
   * also keep at least twice their last length apart (at most a third of the engine's time);
   * once writes have paused there is nothing to yield to, and a backlog is worked off round
   * after round.
   */
  private async untilDue(): Promise<void> {
    const spacedUntil = Date.now() + Math.max(20, 2 * this.lastRoundMs);
    await sleep(20);
    const t = this.timing;
    for (;;) {
      const now = Date.now();
      const quietFor = this.writes > 0 ? 0 : now - this.lastMarkAt;
      const waited = now - this.firstDirtyAt;
      const burst = this.rowsSinceFirstDirty >= (t.burstRowsPerS * Math.max(waited, 1000)) / 1000;
      const maxLag = burst ? t.burstMaxLagMs : t.maxLagMs;
      if (this.closed || quietFor >= t.quietMs || (waited >= maxLag && now >= spacedUntil)) return;
      // re-checked within quietMs: a burst that slows down falls back to the normal lag
      await sleep(Math.min(t.quietMs - quietFor, Math.max(maxLag - waited, spacedUntil - now)));
    }
  }

  private async recentDeals(): Promise<string[]> {
    const rows = await this.store.query<{ correlation_id: string }>(
      sql`SELECT DISTINCT correlation_id FROM events
        WHERE received_at >= (SELECT max(received_at) FROM events) - INTERVAL 15 MINUTE AND correlation_id != ''`,
    );
    return rows.map((r) => r.correlation_id);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}
