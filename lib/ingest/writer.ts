// The ingest writer: one flush = dedup against committed event IDs ▶ stitch ▶ one
// insert into `events` (its materialized views fill event_ids and the DERIVED_TABLES)
// ▶ move rows left under a stale correlation ID. A single writer per deployment owns
// the stitcher; every step is idempotent, so a redelivered batch is harmless.

import type { Store } from '../clickhouse/client';
import { ident, sql } from '../clickhouse/sql';
import type { CanonicalEvent } from '../events/schema';
import { metrics } from '../observability/metrics';
import { Stitcher, type Move } from '../stitching/stitcher';
import { eventEntityKey, toRowLine } from './rows';

export interface WriteResult {
  /** Per input event: true when it was new and is now stored. */
  stored: boolean[];
  inserted: number;
  duplicates: number;
}

const LOOKUP_CHUNK = 20_000;

/**
 * The tables materialized views fill from `events`, each with the correlation_id of the
 * event it came from. A move re-inserts the event under its new correlation_id (the views
 * add the new copy), then deletes the stale copy from events and from every table here.
 * `orphans`: the table also keeps rows of unstitched events (correlation_id = ''), found by
 * entity_key when they are adopted. (event_ids holds event_id only: a second copy is harmless.)
 */
export const DERIVED_TABLES = [
  { name: 'deal_summary', orphans: false },
  { name: 'deal_keys', orphans: false },
  { name: 'event_facts', orphans: true },
  { name: 'event_refs', orphans: true },
] as const;
const TABLE_NAMES = ['events', ...DERIVED_TABLES.map((t) => t.name)];

/**
 * Deletes run as lightweight updates (patch parts, sql/044): tens of milliseconds instead of
 * a mutation over every part (seconds at 1M events). Tables without patch-part support
 * (deal_summary, an AggregatingMergeTree) fall back to the classic lightweight DELETE.
 */
const PATCH_DELETE = { lightweight_delete_mode: 'lightweight_update' };

/** Deletes the stale copies of moved rows: by old correlation ID, or orphans by entity_key. */
async function deleteMoved(store: Store, from: { correlationIds: string[] } | { orphanKeys: string[] }): Promise<void> {
  for (const t of [{ name: 'events', orphans: true }, ...DERIVED_TABLES]) {
    const table = ident(t.name, TABLE_NAMES);
    if ('correlationIds' in from) {
      await store.command(sql`DELETE FROM ${table} WHERE correlation_id IN ${from.correlationIds}`, PATCH_DELETE);
    } else if (t.orphans) {
      await store.command(sql`DELETE FROM ${table} WHERE correlation_id = '' AND entity_key IN ${from.orphanKeys}`, PATCH_DELETE);
    }
  }
}

export async function committedEventIds(store: Store, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    const chunk = ids.slice(i, i + LOOKUP_CHUNK);
    const rows = await store.query<{ event_id: string }>(
      sql`SELECT DISTINCT event_id FROM event_ids WHERE event_id IN ${chunk}`,
    );
    for (const r of rows) found.add(r.event_id);
  }
  return found;
}

async function applyOverrides(store: Store, stitcher: Stitcher): Promise<void> {
  const overrides = await store.query<{ kind: string; a: string; b: string }>(
    sql`SELECT kind, a, b FROM link_overrides ORDER BY created_at`,
  );
  for (const o of overrides) if (o.kind === 'split') stitcher.block(o.a, o.b);
  for (const o of overrides) if (o.kind === 'merge' && !stitcher.isBlocked(o.a, o.b)) stitcher.addLink(o.a, o.b);
}

/** Rebuilds the link graph from ClickHouse: resolved keys, orphans, manual corrections. */
async function loadStitcher(store: Store): Promise<Stitcher> {
  const stitcher = new Stitcher();
  await applyOverrides(store, stitcher);
  const keys = await store.query<{ entity_key: string; correlation_id: string }>(
    sql`SELECT DISTINCT entity_key, correlation_id FROM deal_keys`,
  );
  for (const k of keys) stitcher.loadResolvedKey(k.entity_key, k.correlation_id);
  const orphans = await store.query<{ entity_key: string; refs: string[]; stamped_correlation_id: string }>(
    sql`SELECT entity_key, refs, stamped_correlation_id FROM events WHERE correlation_id = ''`,
  );
  for (const o of orphans) stitcher.loadOrphan(o);
  return stitcher;
}

export class IngestWriter {
  /** Writes and link corrections run one at a time: the stitcher has a single owner. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: Store,
    private graph: Stitcher,
  ) {}

  get stitcher(): Stitcher {
    return this.graph;
  }

  /** Rebuilds the link graph from ClickHouse and finishes moves a crash left half done. */
  static async open(store: Store): Promise<IngestWriter> {
    const writer = new IngestWriter(store, await loadStitcher(store));
    await writer.applyMoves(writer.graph.recover());
    return writer;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** A link the data missed: a and b belong to the same deal. */
  merge(a: string, b: string, actor: string, reason: string): Promise<void> {
    return this.serial(async () => {
      await this.recordOverride('merge', a, b, actor, reason);
      await this.applyMoves(this.graph.connect(a, b));
    });
  }

  /**
   * A wrong link: a and b must not be stitched through each other. The deal is
   * re-stitched without that link; its rows move to the deals (or orphans) they now form.
   */
  split(a: string, b: string, actor: string, reason: string): Promise<{ correlationIds: string[] }> {
    return this.serial(async () => {
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
    });
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
  }

  write(events: readonly CanonicalEvent[]): Promise<WriteResult> {
    return this.serial(() => this.writeNow(events));
  }

  private async writeNow(events: readonly CanonicalEvent[]): Promise<WriteResult> {
    const started = performance.now();
    const stored = events.map(() => false);
    const committed = await committedEventIds(this.store, [...new Set(events.map((e) => e.event_id))]);
    const seen = new Set<string>();
    const fresh: CanonicalEvent[] = [];
    events.forEach((e, i) => {
      if (committed.has(e.event_id) || seen.has(e.event_id)) return;
      seen.add(e.event_id);
      stored[i] = true;
      fresh.push(e);
    });
    const duplicates = events.length - fresh.length;
    if (fresh.length > 0) {
      const { correlationIds, moves } = this.graph.assign(
        fresh.map((e) => ({ entity_key: eventEntityKey(e), refs: e.refs, stamped_correlation_id: e.correlation_id })),
      );
      const receivedAt = new Date().toISOString();
      const body = fresh.map((e, i) => toRowLine(e, correlationIds[i], receivedAt)).join('\n');
      await this.store.insertJsonEachRow('events', body);
      await this.applyMoves(moves);
    }
    const m = metrics();
    m.eventsInserted.inc(fresh.length);
    m.eventsDuplicate.inc(duplicates);
    m.batchSize.observe(events.length);
    m.insertSeconds.observe((performance.now() - started) / 1000);
    return { stored, inserted: fresh.length, duplicates };
  }

  /**
   * Copies rows to their new deal, then deletes the stale copies. Copy-then-delete with
   * "not already there" keeps it idempotent: a crash in between is finished at next start.
   */
  private async applyMoves(moves: Move[]): Promise<void> {
    if (moves.length === 0) return;
    const adoptKeys: string[] = [];
    const adoptTargets: string[] = [];
    const renameFrom: string[] = [];
    const renameTo: string[] = [];
    for (const mv of moves) {
      if (mv.kind === 'adopt-orphans') {
        for (const k of mv.keys) {
          adoptKeys.push(k);
          adoptTargets.push(mv.to);
        }
      } else {
        renameFrom.push(mv.from);
        renameTo.push(mv.to);
      }
    }
    const s = this.store;
    if (adoptKeys.length > 0) {
      // The filter sits in a subquery: ClickHouse lets a SELECT alias (the REPLACE) shadow
      // the column of the same name in WHERE.
      await s.command(sql`INSERT INTO events
        SELECT * REPLACE (transform(entity_key, ${adoptKeys}, ${adoptTargets}, '') AS correlation_id)
        FROM (
          SELECT * FROM events
          WHERE correlation_id = '' AND entity_key IN ${adoptKeys}
            AND (transform(entity_key, ${adoptKeys}, ${adoptTargets}, ''), event_id) NOT IN (
              SELECT correlation_id, event_id FROM events WHERE correlation_id IN ${adoptTargets}))`);
      await deleteMoved(s, { orphanKeys: adoptKeys });
    }
    if (renameFrom.length > 0) {
      await s.command(sql`INSERT INTO events
        SELECT * REPLACE (transform(correlation_id, ${renameFrom}, ${renameTo}, '') AS correlation_id)
        FROM (
          SELECT * FROM events
          WHERE correlation_id IN ${renameFrom}
            AND (transform(correlation_id, ${renameFrom}, ${renameTo}, ''), event_id) NOT IN (
              SELECT correlation_id, event_id FROM events WHERE correlation_id IN ${renameTo}))`);
      await deleteMoved(s, { correlationIds: renameFrom });
    }
    metrics().stitchMoves.inc(moves.length);
  }
}
