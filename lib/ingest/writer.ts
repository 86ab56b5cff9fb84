// The ingest writer: one flush = dedup against committed event IDs ▶ stitch ▶ one
// insert into `events_in`, whose view writes `events` (sql/076; the views of `events` fill
// event_ids and the DERIVED_TABLES)
// ▶ move rows left under a stale correlation ID. A single writer per deployment owns
// the stitcher; every step is idempotent, so a redelivered batch is harmless. Batches
// overlap: a batch's lookup runs as it arrives (or ran before: the ingest route's
// pre-check, precheck()), and it is stitched while the one before is inserted (on another
// connection: on one chDB connection inserts run one at a time); commits and moves stay in
// order.

import type { Store } from '../clickhouse/client';
import { sql, PATCH_DELETE } from '../clickhouse/sql';
import type { CanonicalEvent } from '../events/schema';
import { metrics } from '../observability/metrics';
import { Stitcher, type Move } from '../stitching/stitcher';
import { ClockRefresher } from '../clocks/refresher';
import { rollBackTornInserts } from './torn-inserts';
import { BodyBuffers, eventRows, insertEventRows, releaseRows, rowsBody, type EventRow } from './rows';
import { LookupWindow, type ClaimPart, type OpenLookup, type Precheck } from './lookup-window';
import { committedEventIds } from './committed-ids';
import { IdFilter } from './id-filter';
import { DERIVED_TABLES, TABLE_NAMES, applyOverrides, deleteMoved, loadStitcher, storeMoves } from './stitch-store';

export interface WriteResult {
  /** Per input event: true when it was new and is now stored. */
  stored: boolean[];
  inserted: number;
  duplicates: number;
}

/** How long a pre-check's answer waits for its events (the local handoff keeps them as long). */
const PRECHECK_TTL_MS = 60_000;

export class IngestWriter {
  /** Preparing writes (dedup ▶ stitch ▶ rows) and link corrections run one at a time: the stitcher has a single owner. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Settles (true when it succeeded) once every write prepared so far is stored and its moves are done. */
  private committed: Promise<boolean> = Promise.resolve(true);
  /** The event IDs of each prepared write not yet stored: later batches count them as duplicates. */
  private inFlight = new Set<ReadonlySet<string>>();
  /**
   * Lookups of committed IDs start as soon as a batch arrives (or earlier: the ingest
   * route's pre-check), before the batches ahead of it are prepared; the window keeps what
   * they may have missed.
   */
  private window = new LookupWindow();
  /** Keeps the clocks' snapshot current for the deals each batch and move touched. */
  readonly clocks: ClockRefresher;
  /**
   * Insert bodies are written into buffers reused after their insert: as many as the
   * inserts that may run at once (CASHTRACE_BATCH_IN_FLIGHT, 2) and one being written —
   * ~20 MB each at the default batch limits, held for the life of the process.
   */
  private bodies = new BodyBuffers(3);
  /** When rows were last stored (epoch ms; 0: none since start). */
  lastInsertAt = 0;
  /**
   * The connections inserts run on, each with its inserts running: an insert takes the
   * least busy. On one chDB connection inserts run one at a time; on two they overlap.
   */
  private readonly lanes: { store: Store; running: number }[];
  /**
   * Every ID this writer has stored or tried to, and every ID stored before it opened
   * (lib/ingest/id-filter): the IDs it has never seen are not looked up. Only when this
   * writer is the store's only writer (`soleWriter`); null otherwise.
   */
  private readonly ids: IdFilter | null;
  /** Settles once the filter holds every stored ID (at once without a filter; a failed load leaves every ID looked up). */
  readonly idsLoaded: Promise<void>;

  private constructor(
    private readonly store: Store,
    private graph: Stitcher,
    /** Where committed IDs are looked up: a second connection does not wait for the inserts. */
    private readonly lookups: Store,
    inserters: readonly Store[],
    soleWriter: boolean,
  ) {
    this.clocks = new ClockRefresher(lookups);
    this.lanes = (inserters.length > 0 ? inserters : [store]).map((s) => ({ store: s, running: 0 }));
    this.ids = soleWriter ? new IdFilter() : null;
    this.idsLoaded = this.ids ? this.loadIds(this.ids) : Promise.resolve();
  }

  /** Fills the filter from event_ids in the background (the writer serves meanwhile, looking every ID up). */
  private async loadIds(ids: IdFilter): Promise<void> {
    const started = performance.now();
    try {
      await ids.load(this.lookups);
      const s = ((performance.now() - started) / 1000).toFixed(1);
      if (ids.size > 100_000) console.log(`[ingest] dedup filter: ${ids.size} event IDs in ${s} s (${(ids.bytes / 2 ** 20).toFixed(0)} MiB); new IDs are no longer looked up`);
    } catch (err) {
      console.error(`[ingest] dedup filter not loaded, every event ID is looked up: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  get stitcher(): Stitcher {
    return this.graph;
  }

  /**
   * Rebuilds the link graph from ClickHouse and finishes what a crash left half done.
   * `inserters`: the connections batches are inserted on (default: `store`); moves and
   * corrections run on `store`. `soleWriter`: no other writer (another process, another
   * IngestWriter) inserts into this store's events while this one is open — embedded chDB,
   * whose data directory one process owns — so the IDs it has not seen need no lookup.
   */
  static async open(store: Store, lookups: Store = store, inserters: readonly Store[] = [], { soleWriter = false }: { soleWriter?: boolean } = {}): Promise<IngestWriter> {
    await rollBackTornInserts(store, DERIVED_TABLES, PATCH_DELETE);
    const writer = new IngestWriter(store, await loadStitcher(store), lookups, inserters, soleWriter);
    await writer.applyMoves(writer.graph.recover());
    writer.clocks.start();
    return writer;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Like serial(), once every write in flight is stored and its moves are done (corrections
   * read and move stored rows). `what` names the correction in the log when it took long (a
   * user is waiting on it): how long it waited for what, and how long it took itself.
   */
  private serialQuiet<T>(fn: () => Promise<T>, what: string): Promise<T> {
    const asked = performance.now();
    return this.serial(async () => {
      const turn = performance.now();
      await this.storedAndMoved();
      const quiet = performance.now();
      try {
        return await fn();
      } finally {
        const s = (from: number, to = performance.now()) => `${((to - from) / 1000).toFixed(1)} s`;
        if (performance.now() - asked > 2_000) {
          console.log(`[ingest] ${what} took ${s(asked)}: ${s(asked, turn)} waiting for the writer's earlier batches and corrections, ${s(turn, quiet)} for their rows and pending deletes, ${s(quiet)} its own`);
        }
      }
    });
  }

  /**
   * Resolves once the batches written so far are stored and the stale copies their moves
   * left are deleted (the delete mutations are done; one the engine keeps failing is logged
   * and not waited for: the rebuild at next start finishes the move).
   */
  async settled(): Promise<void> {
    await this.storedAndMoved();
    await this.clocks.settled();
  }

  private async storedAndMoved(): Promise<void> {
    await this.committed;
    for (;;) {
      const rows = await this.store.query<{ failed: string }>(
        sql`SELECT latest_fail_reason AS failed FROM system.mutations
            WHERE database = currentDatabase() AND table IN ${TABLE_NAMES} AND NOT is_done`,
      );
      const failed = rows.filter((r) => r.failed !== '');
      if (failed.length > 0) console.error(`[ingest] deleting moved rows keeps failing (finished at next start): ${failed[0].failed}`);
      if (rows.length === failed.length) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** A link the data missed: a and b belong to the same deal. */
  merge(a: string, b: string, actor: string, reason: string): Promise<void> {
    return this.serialQuiet(async () => {
      await this.recordOverride('merge', a, b, actor, reason);
      await this.applyMoves(this.graph.connect(a, b));
    }, `a link of ${a} to ${b}`);
  }

  /**
   * A wrong link: a and b must not be stitched through each other. The deal is
   * re-stitched without that link; its rows move to the deals (or orphans) they now form.
   */
  split(a: string, b: string, actor: string, reason: string): Promise<{ correlationIds: string[] }> {
    return this.serialQuiet(async () => {
      await this.recordOverride('split', a, b, actor, reason);
      const deal = this.graph.resolve(a) || this.graph.resolve(b);
      if (!deal) {
        this.graph = await loadStitcher(this.store);
        return { correlationIds: [] };
      }
      const rows = await this.store.query<{ event_id: string; entity_key: string; refs: string[]; stamped_correlation_id: string }>(
        sql`SELECT event_id, entity_key, refs, stamped_correlation_id FROM events WHERE correlation_id = ${deal}`,
      );
      const local = new Stitcher();
      await applyOverrides(this.store, local);
      const { correlationIds } = local.assign(rows);
      // Two phases through a temporary ID, so every deal involved gets its summary rebuilt.
      const temp = `${deal}#split`;
      await this.applyMoves([{ kind: 'rename', from: deal, to: temp }]);
      await this.moveByEventId(temp, rows.map((r) => r.event_id), correlationIds);
      this.graph = await loadStitcher(this.store);
      return { correlationIds: [...new Set(correlationIds)] };
    }, `a cut of ${a} from ${b}`);
  }

  private async recordOverride(kind: 'merge' | 'split', a: string, b: string, actor: string, reason: string): Promise<void> {
    await this.store.command(sql`INSERT INTO link_overrides (kind, a, b, actor, reason) VALUES (${kind}, ${a}, ${b}, ${actor}, ${reason})`);
  }

  private async moveByEventId(from: string, ids: string[], targets: string[]): Promise<void> {
    const s = this.store;
    await s.command(sql`INSERT INTO events
      SELECT * REPLACE (transform(event_id, ${ids}, ${targets}, '') AS correlation_id)
      FROM (SELECT * FROM events WHERE correlation_id = ${from})`);
    await deleteMoved(s, { correlationIds: [from] });
    this.clocks.markDirty([from, ...targets]);
  }

  /**
   * Stores the new events of a batch. Its lookup of committed IDs starts at once; batches
   * are then prepared one at a time (dedup against committed and in-flight IDs ▶ stitch ▶
   * rows) and their inserts may overlap: the next batch is prepared while this one is
   * inserted. Each resolves only once its rows are stored and every earlier batch is done
   * (moves run in order, after the rows they move); when an earlier batch failed, a batch
   * that counted its events as duplicates fails too, so a retry stores them. `prepared` is
   * called when the batch is stitched and handed to the engine. Events that come with a
   * Precheck of this writer (`parts`, see precheck()) are not looked up again.
   */
  async write(batch: readonly (CanonicalEvent | EventRow)[], prepared?: () => void, parts?: readonly ClaimPart[]): Promise<WriteResult> {
    const events = eventRows(batch);
    const { lookup: open, unchecked } = this.window.claim(events, parts);
    const ids = this.toLookUp([...new Set(unchecked.map((e) => e.event_id))], 'write');
    const lookup = ids.length > 0 ? committedEventIds(this.lookups, ids) : Promise.resolve(new Set<string>());
    lookup.catch(() => undefined); // awaited in prepare(); this only keeps it from counting as unhandled meanwhile
    this.clocks.writing(1);
    try {
      const { done } = await this.serial(() => this.prepare(events, lookup, open));
      prepared?.();
      return await done;
    } finally {
      this.window.close(open);
      this.clocks.writing(-1);
    }
  }

  /**
   * The ingest route's pre-check (NATS): the committed IDs among these event IDs
   * (distinct), so its answer counts those as duplicates. `absent` is handed along with
   * exactly the events not found (the local handoff and the write buffer carry it to
   * write()): they are not looked up again; what was stored or in flight since the
   * pre-check still counts as duplicate there.
   */
  async precheck(ids: string[]): Promise<{ committed: Set<string>; absent: Precheck | null }> {
    const open = this.window.openLookup(PRECHECK_TTL_MS);
    let committed: Set<string>;
    try {
      committed = await committedEventIds(this.lookups, this.toLookUp(ids, 'precheck'));
    } catch (err) {
      this.window.close(open);
      throw err;
    }
    return { committed, absent: this.window.precheck(open, ids.length - committed.size) };
  }

  /**
   * The IDs among `ids` (distinct) to look up: those the filter may have seen (all without
   * a filter). Asked after the lookup's window opened, so what is stored later is in it.
   */
  private toLookUp(ids: string[], by: 'write' | 'precheck'): string[] {
    const ask = this.ids ? this.ids.toLookUp(ids) : ids;
    const m = metrics();
    m.idLookups.inc(ask.length, { by });
    if (ask.length < ids.length) m.idsFiltered.inc(ids.length - ask.length, { by });
    return ask;
  }

  private async prepare(events: readonly EventRow[], lookup: Promise<Set<string>>, open: OpenLookup): Promise<{ done: Promise<WriteResult> }> {
    const started = performance.now();
    const stored = events.map(() => false);
    const found = await lookup;
    const recent = this.window.storedSince(open);
    const committed = { has: (id: string) => found.has(id) || recent.has(id) };
    // Checked after the lookup, in the same turn as the rest of the preparation: a batch
    // leaves inFlight in the turn it is recorded as stored (or fails).
    const inFlight = [...this.inFlight];
    /** The IDs of `fresh`. */
    const seen = new Set<string>();
    const fresh: EventRow[] = [];
    let dependsOnInFlight = false;
    events.forEach((e, i) => {
      if (seen.has(e.event_id) || committed.has(e.event_id)) return;
      if (inFlight.length > 0 && inFlight.some((ids) => ids.has(e.event_id))) {
        dependsOnInFlight = true;
        return;
      }
      seen.add(e.event_id);
      // before its insert starts: a failed or torn insert leaves the ID to be looked up
      this.ids?.add(e.event_id);
      stored[i] = true;
      fresh.push(e);
    });
    const duplicates = events.length - fresh.length;
    let moves: Move[] = [];
    let correlationIds: readonly string[] = [];
    let insert: Promise<void> = Promise.resolve();
    if (fresh.length > 0) {
      const assigned = this.graph.assign(fresh);
      moves = assigned.moves;
      correlationIds = assigned.correlationIds;
      let buffer: Buffer | null = null;
      const body = rowsBody(fresh, assigned.correlationIds, (size) => (buffer = this.bodies.take(size)));
      // The body holds the rows now: their slabs may be reused (a retry comes as new rows).
      releaseRows(events);
      this.inFlight.add(seen);
      // Reused only after a successful insert: a failed one may still be read (the engine's
      // thread, a socket's queue) when it rejects.
      insert = this.insertRows(body).then(() => this.bodies.give(buffer!));
    }
    const previous = this.committed;
    const done = (async (): Promise<WriteResult> => {
      try {
        await insert;
        const earlierOk = await previous;
        await this.applyMoves(moves, true);
        if (!earlierOk && dependsOnInFlight) throw new Error('an earlier ingest batch failed; events it held were not stored');
      } catch (err) {
        this.inFlight.delete(seen);
        throw err;
      }
      this.inFlight.delete(seen);
      this.window.recordStored(seen);
      this.clocks.markDirty(correlationIds);
      const m = metrics();
      m.eventsInserted.inc(fresh.length);
      if (fresh.length > 0) this.lastInsertAt = Date.now();
      m.eventsDuplicate.inc(duplicates);
      m.batchSize.observe(events.length);
      m.insertSeconds.observe((performance.now() - started) / 1000);
      return { stored, inserted: fresh.length, duplicates };
    })();
    // The next batch's moves wait for this one; a failed insert still lets them run.
    this.committed = done.then(
      () => true,
      () => previous.then(() => false),
    );
    return { done };
  }

  /** Inserts a batch's rows (rows.ts insertEventRows) on the least busy insert connection. */
  private async insertRows(body: Buffer): Promise<void> {
    let lane = this.lanes[0];
    for (const l of this.lanes) if (l.running < lane.running) lane = l;
    lane.running++;
    try {
      await insertEventRows(lane.store, body);
    } finally {
      lane.running--;
    }
  }

  /** Stores the moves (stitch-store storeMoves) and marks the deals they touched for the clocks. */
  private async applyMoves(moves: Move[], background = false): Promise<void> {
    if (moves.length === 0) return;
    this.clocks.markDirty(await storeMoves(this.store, moves, background));
    metrics().stitchMoves.inc(moves.length);
  }
}
