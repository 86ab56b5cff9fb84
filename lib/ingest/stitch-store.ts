// What the ingest writer keeps in ClickHouse besides the rows it inserts: the link graph
// it rebuilds at start (resolved keys, orphans, manual corrections) and the stitch moves —
// rows copied to their new deal, the stale copies deleted from `events` and the tables its
// views fill.

import type { Store } from '../clickhouse/client';
import { ident, sql, PATCH_DELETE } from '../clickhouse/sql';
import { Stitcher, type Move } from '../stitching/stitcher';
import { urlBytes, urlRanges } from '../clickhouse/url-budget';
import { CORRELATION_PREFIX } from '../events/entity-key';

/**
 * The tables materialized views fill from `events`, each with the correlation_id of the
 * event it came from. A move re-inserts the event under its new correlation_id (the views
 * add the new copy), then deletes the stale copy from events and from every table here.
 * `orphans`: the table also keeps rows of unstitched events (correlation_id = ''), found by
 * entity_key when they are adopted. (event_ids holds event_id only: a second copy is harmless.)
 * `measure`: how a start checks the table holds every row its view makes of a deal's events
 * (lib/ingest/torn-inserts).
 */
export const DERIVED_TABLES = [
  { name: 'deal_summary', orphans: false, patchParts: false, measure: 'sum(events)' },
  { name: 'deal_keys', orphans: false, patchParts: true, measure: 'uniqExact(entity_key)' },
  { name: 'event_facts', orphans: true, patchParts: true, measure: 'count()' },
  { name: 'event_refs', orphans: true, patchParts: true, measure: 'count()' },
] as const;
export const TABLE_NAMES = ['events', ...DERIVED_TABLES.map((t) => t.name)];

/**
 * Deletes of tables with patch parts run as lightweight updates (sql/044): tens of
 * milliseconds instead of a mutation over every part (1.2–2.8 s per table at 1M events).
 * The others (deal_summary, an AggregatingMergeTree) take a classic lightweight DELETE, a
 * mutation: `queued` sends it without waiting (settled() waits for it).
 */
const QUEUED_DELETE = { lightweight_deletes_sync: 0 };

/**
 * Calls `each` with consecutive parts of `a` and the same parts of `b`: to a server, parts
 * whose IDs its URL takes (lib/clickhouse/url-budget: 20k orphans adopted in one batch were
 * ~1 MB of IDs); to an embedded store, all at once. Nothing for empty lists.
 */
async function inParts(store: Store, a: readonly string[], b: readonly string[], each: (a: string[], b: string[]) => Promise<void>): Promise<void> {
  for (const [start, end] of urlRanges(store.kind, a.length, (i) => urlBytes(a[i]) + (i < b.length ? urlBytes(b[i]) : 0))) {
    await each(a.slice(start, end), b.slice(start, end));
  }
}

/** Deletes the stale copies of moved rows: by old correlation ID, or orphans by entity_key. */
export async function deleteMoved(store: Store, from: { correlationIds: string[] } | { orphanKeys: string[] }, queued = false): Promise<void> {
  const ids = 'correlationIds' in from ? from.correlationIds : from.orphanKeys;
  await inParts(store, ids, [], async (part) => {
    for (const t of [{ name: 'events', orphans: true, patchParts: true }, ...DERIVED_TABLES]) {
      const table = ident(t.name, TABLE_NAMES);
      const settings = t.patchParts ? PATCH_DELETE : queued ? QUEUED_DELETE : undefined;
      if ('correlationIds' in from) {
        await store.command(sql`DELETE FROM ${table} WHERE correlation_id IN ${part}`, settings);
      } else if (t.orphans) {
        await store.command(sql`DELETE FROM ${table} WHERE correlation_id = '' AND entity_key IN ${part}`, settings);
      }
    }
  });
}

/**
 * Copies rows to their new deal, then deletes the stale copies. Copy-then-delete with
 * "not already there" keeps it idempotent: a crash in between is finished at next start.
 * The stale copies go as patch parts (synchronous, milliseconds), except deal_summary's:
 * a mutation, queued for ingest batches (`background`); corrections and recovery wait for
 * it (settled()). Returns the correlation IDs the moves touched.
 */
export async function storeMoves(store: Store, moves: readonly Move[], background = false): Promise<string[]> {
  if (moves.length === 0) return [];
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
  await inParts(store, adoptKeys, adoptTargets, (keys, targets) =>
    // The filter sits in a subquery: ClickHouse lets a SELECT alias (the REPLACE) shadow
    // the column of the same name in WHERE.
    store.command(sql`INSERT INTO events
      SELECT * REPLACE (transform(entity_key, ${keys}, ${targets}, '') AS correlation_id)
      FROM (
        SELECT * FROM events
        WHERE correlation_id = '' AND entity_key IN ${keys}
          AND (transform(entity_key, ${keys}, ${targets}, ''), event_id) NOT IN (
            SELECT correlation_id, event_id FROM events WHERE correlation_id IN ${targets}))`),
  );
  await inParts(store, renameFrom, renameTo, (from, to) =>
    store.command(sql`INSERT INTO events
      SELECT * REPLACE (transform(correlation_id, ${from}, ${to}, '') AS correlation_id)
      FROM (
        SELECT * FROM events
        WHERE correlation_id IN ${from}
          AND (transform(correlation_id, ${from}, ${to}, ''), event_id) NOT IN (
            SELECT correlation_id, event_id FROM events WHERE correlation_id IN ${to}))`),
  );
  // Stale copies go as patch parts (fast, synchronous). deal_summary has no patch parts:
  // its delete is a mutation taking the engine seconds, so for ingest batches
  // (`background`) it is queued without waiting; corrections run after settled()
  // (serialQuiet), start-up before any write.
  await deleteMoved(store, { orphanKeys: adoptKeys }, background);
  await deleteMoved(store, { correlationIds: renameFrom }, background);
  return [...adoptTargets, ...renameFrom, ...renameTo];
}

/** Applies the manual corrections to `stitcher`; the records named by a split (both sides), whose links were cut. */
export async function applyOverrides(store: Store, stitcher: Stitcher): Promise<Set<string>> {
  const overrides = await store.query<{ kind: string; a: string; b: string }>(
    sql`SELECT kind, a, b FROM link_overrides ORDER BY created_at`,
  );
  const cut = new Set<string>();
  for (const o of overrides) {
    if (o.kind !== 'split') continue;
    stitcher.block(o.a, o.b);
    cut.add(o.a).add(o.b);
  }
  for (const o of overrides) if (o.kind === 'merge' && !stitcher.isBlocked(o.a, o.b)) stitcher.addLink(o.a, o.b);
  return cut;
}

const pairKey = (key: string, correlationId: string) => `${key}\u0000${correlationId}`;

/**
 * A deal's keys (deal_keys) include every ref of its events, and a record a split cut off
 * still names the key it was cut from: that key is listed under its new deal too. Loaded as
 * a link, it would join the two deals again — in memory at once, and in their rows at the
 * next start (recover() merges a key's deals). The listings of the cut records' keys that
 * no event of the deal makes through a link not blocked ("key\0deal"); a point lookup and
 * the few deals involved, only when a split was made.
 */
async function listedOnlyThroughCuts(store: Store, stitcher: Stitcher, cut: ReadonlySet<string>): Promise<Set<string>> {
  if (cut.size === 0) return new Set();
  const keys = [...cut];
  const ids = [...new Set(keys.map((k) => k.slice(k.indexOf(':', k.indexOf(':') + 1) + 1)))];
  const listed = await store.query<{ entity_key: string; correlation_id: string }>(
    sql`SELECT DISTINCT entity_key, correlation_id FROM deal_keys WHERE entity_id IN ${ids} AND entity_key IN ${keys} AND correlation_id != ''`,
  );
  const deals = [...new Set(listed.map((r) => r.correlation_id))];
  if (deals.length === 0) return new Set();
  const events = await store.query<{ correlation_id: string; entity_key: string; refs: string[]; stamped_correlation_id: string }>(
    sql`SELECT correlation_id, entity_key, refs, stamped_correlation_id FROM events
      WHERE correlation_id IN ${deals} AND (entity_key IN ${keys} OR hasAny(refs, ${keys}) OR concat(${CORRELATION_PREFIX}, stamped_correlation_id) IN ${keys})`,
  );
  const linked = new Set<string>();
  for (const e of events) {
    if (cut.has(e.entity_key)) linked.add(pairKey(e.entity_key, e.correlation_id));
    for (const r of e.refs) if (cut.has(r) && !stitcher.isBlocked(e.entity_key, r)) linked.add(pairKey(r, e.correlation_id));
    // a stamped correlation ID links whatever was split (as Stitcher.link)
    const stamped = e.stamped_correlation_id && CORRELATION_PREFIX + e.stamped_correlation_id;
    if (stamped && cut.has(stamped)) linked.add(pairKey(stamped, e.correlation_id));
  }
  return new Set(listed.map((r) => pairKey(r.entity_key, r.correlation_id)).filter((p) => !linked.has(p)));
}

/** Rebuilds the link graph from ClickHouse: resolved keys, orphans, manual corrections. */
export async function loadStitcher(store: Store): Promise<Stitcher> {
  const stitcher = new Stitcher();
  const cut = await applyOverrides(store, stitcher);
  const keys = await store.query<{ entity_key: string; correlation_id: string }>(
    sql`SELECT DISTINCT entity_key, correlation_id FROM deal_keys`,
  );
  const skip = await listedOnlyThroughCuts(store, stitcher, cut);
  for (const k of keys) if (skip.size === 0 || !skip.has(pairKey(k.entity_key, k.correlation_id))) stitcher.loadResolvedKey(k.entity_key, k.correlation_id);
  const orphans = await store.query<{ entity_key: string; refs: string[]; stamped_correlation_id: string }>(
    sql`SELECT entity_key, refs, stamped_correlation_id FROM events WHERE correlation_id = ''`,
  );
  for (const o of orphans) stitcher.loadOrphan(o);
  return stitcher;
}
