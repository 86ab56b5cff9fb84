// Torn inserts. ClickHouse commits an insert's `events` part, then each view's part in the
// order of the views' names, event_ids_mv last (sql/045). A crash in between leaves events
// whose views are partly filled and whose IDs are missing from event_ids. Their batch was
// never acknowledged (no JetStream ack, no 202), so it comes again; the dedup lookup would
// let it in a second time (the kill-mid-batch test caught exactly that). At start, before
// consuming, such events are rolled back: deleted from `events`, and the derived tables of
// the deals they touched rebuilt from the events that remain through each view's own
// SELECT. The batch sent again then stores them whole.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { ident, sql, trustedSql, type Sql } from '../clickhouse/sql';
import { viewSelect } from '../clickhouse/view-select';

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
}

const tornSchema = z.object({ event_id: z.string(), correlation_id: z.string(), entity_key: z.string() });

/** Rolls back torn inserts; returns how many events it removed. */
export async function rollBackTornInserts(store: Store, derived: readonly DerivedTable[], patchDelete: Record<string, string>): Promise<number> {
  const torn = await store.query(
    sql`SELECT event_id, correlation_id, entity_key FROM events
        WHERE received_at >= ${WINDOW}
          AND event_id NOT IN (SELECT event_id FROM event_ids WHERE event_id IN (SELECT event_id FROM events WHERE received_at >= ${WINDOW}))`,
    tornSchema,
  );
  if (torn.length === 0) return 0;
  const ids = [...new Set(torn.map((t) => t.event_id))];
  const deals = [...new Set(torn.map((t) => t.correlation_id).filter((c) => c !== ''))];
  const orphanKeys = [...new Set(torn.filter((t) => t.correlation_id === '').map((t) => t.entity_key))];
  await store.command(sql`DELETE FROM events WHERE event_id IN ${ids}`, patchDelete);
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
      SELECT ${columns} FROM (${trustedSql(await viewSelect(store, t.name))}) WHERE ${where}`);
  }
  console.warn(`[ingest] rolled back ${ids.length} events of an insert a crash left half done (their batch is stored again when it is redelivered)`);
  return ids.length;
}

async function columnList(store: Store, table: string): Promise<string> {
  const rows = await store.query(
    sql`SELECT name FROM system.columns WHERE database = currentDatabase() AND table = ${table} AND default_kind NOT IN ('MATERIALIZED', 'ALIAS') ORDER BY position`,
    z.object({ name: z.string() }),
  );
  return rows.map((r) => `\`${r.name.replaceAll('`', '')}\``).join(', ');
}
