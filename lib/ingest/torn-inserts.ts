// Torn inserts. ClickHouse commits an insert's `events` part, then its views' parts. A crash
// in between leaves events whose views are partly filled. Their batch was never acknowledged
// (no JetStream ack, no 202), so it comes again: an event whose ID is missing from event_ids
// would be let in a second time (the kill-mid-batch test caught exactly that), and one whose
// ID made it while another view's part did not would be refused as a duplicate, leaving that
// table short for good. The views' order is not fixed: the engine registers them in whatever
// order it loads them (checked 2026-12-01: after a restart event_ids_mv came first, middle or
// last), so no single table proves the others complete (sql/045 assumed event_ids_mv came
// last). At start, before consuming, the deals written in the last minutes are checked table
// by table: each derived table's rows against what its view makes of the deal's events (a
// count, per deal or orphan key). Events whose IDs are missing are rolled back (deleted
// from `events`); the derived tables of every deal they touched or that failed a check are
// rebuilt from the events that remain, through each view's own SELECT. The batch sent again
// then stores the rolled-back events whole, and is a duplicate for the others.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { ident, sql, trustedSql, type Sql } from '../clickhouse/sql';
import { viewSelect } from '../clickhouse/view-select';
import { inIdParts } from '../clickhouse/url-budget';

/**
 * How far back a start looks: only the last batches before the crash can be torn (one writer
 * per deployment; a batch's received time is set as it is prepared), so the last 15 minutes
 * of received time suffice and a start never reads the whole history.
 */
const WINDOW = sql`(SELECT max(received_at) FROM events) - INTERVAL 15 MINUTE`;

export interface DerivedTable {
  readonly name: string;
  /** Also keeps rows of orphan events (correlation_id = ''), found by entity_key. */
  readonly orphans: boolean;
  readonly patchParts: boolean;
  /**
   * An aggregate (trusted SQL) that is equal over the table's rows of a deal and over its
   * view's output for the deal's events when the table holds all of them: count() for one
   * row per view row; over merged rows (ReplacingMergeTree, AggregatingMergeTree) a count
   * that merging keeps.
   */
  readonly measure: string;
}

const tornSchema = z.object({ event_id: z.string(), correlation_id: z.string(), entity_key: z.string() });

/** Rolls back torn inserts and repairs the derived tables they left short: how many events it removed, and how many deals (or orphan records) it rebuilt. */
export async function rollBackTornInserts(store: Store, derived: readonly DerivedTable[], patchDelete: Record<string, string>): Promise<{ rolledBack: number; repaired: number }> {
  const torn = await store.query(
    sql`SELECT event_id, correlation_id, entity_key FROM events
        WHERE received_at >= ${WINDOW}
          AND event_id NOT IN (SELECT event_id FROM event_ids WHERE event_id IN (SELECT event_id FROM events WHERE received_at >= ${WINDOW}))`,
    tornSchema,
  );
  const ids = [...new Set(torn.map((t) => t.event_id))];
  const deals = new Set(torn.map((t) => t.correlation_id).filter((c) => c !== ''));
  const orphanKeys = new Set(torn.filter((t) => t.correlation_id === '').map((t) => t.entity_key));
  // To a server, lists go in parts its URL takes (lib/clickhouse/url-budget): a torn batch holds up to 20k+ IDs.
  await inIdParts(store.kind, ids, (part) => store.command(sql`DELETE FROM events WHERE event_id IN ${part}`, patchDelete));
  const views = new Map(await Promise.all(derived.map(async (t) => [t.name, trustedSql(await viewSelect(store, t.name))] as const)));
  const short = await incompleteDeals(store, derived, views);
  for (const d of short.deals) deals.add(d);
  for (const k of short.orphanKeys) orphanKeys.add(k);
  if (deals.size === 0 && orphanKeys.size === 0) return { rolledBack: 0, repaired: 0 };
  await inIdParts(store.kind, [...deals], (part) => rebuildDerived(store, derived, views, part, [], patchDelete));
  await inIdParts(store.kind, [...orphanKeys], (part) => rebuildDerived(store, derived, views, [], part, patchDelete));
  if (ids.length > 0) console.warn(`[ingest] rolled back ${ids.length} events of an insert a crash left half done (their batch is stored again when it is redelivered)`);
  const repaired = deals.size + orphanKeys.size;
  console.warn(`[ingest] rebuilt the derived tables of ${repaired} deals or orphan records an interrupted insert or move left incomplete`);
  return { rolledBack: ids.length, repaired };
}

/** The deals (and orphan records) written in the window whose derived rows differ from what their views make of their events. */
async function incompleteDeals(store: Store, derived: readonly DerivedTable[], views: ReadonlyMap<string, Sql>): Promise<{ deals: string[]; orphanKeys: string[] }> {
  const recentDeals = sql`SELECT correlation_id FROM events WHERE received_at >= ${WINDOW} AND correlation_id != ''`;
  const recentOrphans = sql`SELECT entity_key FROM events WHERE received_at >= ${WINDOW} AND correlation_id = ''`;
  const bad = { deals: new Set<string>(), orphanKeys: new Set<string>() };
  const names = derived.map((t) => t.name);
  for (const t of derived) {
    const view = views.get(t.name)!;
    const table = ident(t.name, names);
    const measure = trustedSql(t.measure);
    const scopes = [{ key: sql`correlation_id`, where: sql`correlation_id IN (${recentDeals})`, into: bad.deals }];
    if (t.orphans) scopes.push({ key: sql`entity_key`, where: sql`correlation_id = '' AND entity_key IN (${recentOrphans})`, into: bad.orphanKeys });
    for (const { key, where, into } of scopes) {
      // Compared in the engine (a bulk load written at one instant puts every deal in the window): only mismatches come back.
      const rows = await store.query(
        // Aliases no view uses (deal_keys' SELECT names its array-joined key `k`: an outer `k` was taken for it).
        sql`SELECT torn_check_key FROM (SELECT ${key} AS torn_check_key, ${measure} AS torn_check_n FROM (${view}) WHERE ${where} GROUP BY torn_check_key) AS made
            FULL OUTER JOIN (SELECT ${key} AS torn_check_key, ${measure} AS torn_check_n FROM ${table} WHERE ${where} GROUP BY torn_check_key) AS held USING (torn_check_key)
            WHERE made.torn_check_n != held.torn_check_n`,
        z.object({ torn_check_key: z.string() }),
      );
      for (const r of rows) into.add(r.torn_check_key);
    }
  }
  return { deals: [...bad.deals], orphanKeys: [...bad.orphanKeys] };
}

/** Replaces the derived rows of the deals (and orphan records) with what the views make of their events. */
async function rebuildDerived(store: Store, derived: readonly DerivedTable[], views: ReadonlyMap<string, Sql>, deals: string[], orphanKeys: string[], patchDelete: Record<string, string>): Promise<void> {
  const names = derived.map((t) => t.name);
  for (const t of derived) {
    const conditions: Sql[] = [];
    if (deals.length > 0) conditions.push(sql`correlation_id IN ${deals}`);
    if (t.orphans && orphanKeys.length > 0) conditions.push(sql`(correlation_id = '' AND entity_key IN ${orphanKeys})`);
    if (conditions.length === 0) continue;
    const where = conditions.length === 1 ? conditions[0] : sql`(${conditions[0]} OR ${conditions[1]})`;
    const table = ident(t.name, names);
    await store.command(sql`DELETE FROM ${table} WHERE ${where}`, t.patchParts ? patchDelete : undefined);
    const columns = trustedSql(await columnList(store, t.name));
    await store.command(sql`INSERT INTO ${table} (${columns})
      SELECT ${columns} FROM (${views.get(t.name)!}) WHERE ${where}`);
  }
}

async function columnList(store: Store, table: string): Promise<string> {
  const rows = await store.query(
    sql`SELECT name FROM system.columns WHERE database = currentDatabase() AND table = ${table} AND default_kind NOT IN ('MATERIALIZED', 'ALIAS') ORDER BY position`,
    z.object({ name: z.string() }),
  );
  return rows.map((r) => `\`${r.name.replaceAll('`', '')}\``).join(', ');
}
