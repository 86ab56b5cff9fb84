// The ingest writer: one flush = dedup against committed event IDs ▶ stitch ▶ one
// insert into `events` (its materialized views fill event_ids, deal_keys, deal_summary)
// ▶ move rows left under a stale correlation ID. A single writer per deployment owns
// the stitcher; every step is idempotent, so a redelivered batch is harmless.

import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
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

export class IngestWriter {
  private constructor(
    private readonly store: Store,
    readonly stitcher: Stitcher,
  ) {}

  /** Rebuilds the link graph from ClickHouse and finishes moves a crash left half done. */
  static async open(store: Store): Promise<IngestWriter> {
    const stitcher = new Stitcher();
    const keys = await store.query<{ entity_key: string; correlation_id: string }>(
      sql`SELECT DISTINCT entity_key, correlation_id FROM deal_keys`,
    );
    for (const k of keys) stitcher.loadResolvedKey(k.entity_key, k.correlation_id);
    const orphans = await store.query<{ entity_key: string; refs: string[]; stamped_correlation_id: string }>(
      sql`SELECT entity_key, refs, stamped_correlation_id FROM events WHERE correlation_id = ''`,
    );
    for (const o of orphans) stitcher.loadOrphan(o);
    const writer = new IngestWriter(store, stitcher);
    await writer.applyMoves(stitcher.recover());
    return writer;
  }

  async write(events: readonly CanonicalEvent[]): Promise<WriteResult> {
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
      const { correlationIds, moves } = this.stitcher.assign(
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
      await s.command(sql`DELETE FROM events WHERE correlation_id = '' AND entity_key IN ${adoptKeys}`);
    }
    if (renameFrom.length > 0) {
      await s.command(sql`INSERT INTO events
        SELECT * REPLACE (transform(correlation_id, ${renameFrom}, ${renameTo}, '') AS correlation_id)
        FROM (
          SELECT * FROM events
          WHERE correlation_id IN ${renameFrom}
            AND (transform(correlation_id, ${renameFrom}, ${renameTo}, ''), event_id) NOT IN (
              SELECT correlation_id, event_id FROM events WHERE correlation_id IN ${renameTo}))`);
      await s.command(sql`DELETE FROM events WHERE correlation_id IN ${renameFrom}`);
      await s.command(sql`DELETE FROM deal_summary WHERE correlation_id IN ${renameFrom}`);
      await s.command(sql`DELETE FROM deal_keys WHERE correlation_id IN ${renameFrom}`);
    }
    metrics().stitchMoves.inc(moves.length);
  }
}
