// What a ClickHouse server's user must be allowed for Cashtrace (server mode): everything on
// its own database, its tables' engines, and beyond that only to read the progress of its own deletes
// (system.mutations: the writer waits there for the deletes of rows a stitch moved before it
// answers a correction or shuts down) and the running statements (system.processes: a writer
// taking over waits there for the statements of the one before). A user limited to its database lacks the second:
// checked at start (checkServerGrants), so it fails then with the statement to run, not at
// the first correction or shutdown. Found by the server-mode tests once they ran against
// ClickHouse's own access control (lib/testing/clickhouse-server).

import type { Store } from './client';
import { sql } from './sql';

/** The GRANT statements (without `TO <user>`) a deployment gives Cashtrace's user. */
export function appGrants(database: string): string[] {
  // TABLE ENGINE: to create tables of the engines the migrations name (MergeTree, Null, …).
  return [`GRANT ALL ON ${database}.*`, 'GRANT TABLE ENGINE ON *', ...SYSTEM_TABLES.map((t) => `GRANT SELECT ON system.${t.table}`)];
}

/** The grants as one clause, for messages: "GRANT ALL ON <CLICKHOUSE_DATABASE>.*, TABLE ENGINE ON *, …". */
export function grantsClause(): string {
  return `GRANT ${appGrants('<CLICKHOUSE_DATABASE>')
    .map((g) => g.replace(/^GRANT /, ''))
    .join(', ')}`;
}

/** ACCESS_DENIED */
const ACCESS_DENIED = '497';

/** Whether a server refused a statement for the user's rights: READONLY or ACCESS_DENIED. */
export function isNotPermitted(err: unknown): boolean {
  const code = String((err as { code?: unknown } | null)?.code);
  return code === '164' || code === ACCESS_DENIED;
}

/** The system tables Cashtrace reads, and why. */
const SYSTEM_TABLES = [
  { table: 'mutations', why: 'Cashtrace waits there for its own deletes to finish', probe: sql`SELECT count() AS c FROM system.mutations WHERE database = currentDatabase()` },
  { table: 'processes', why: "an ingest writer taking over waits there for the statements of the one before (lib/clickhouse/write-fence)", probe: sql`SELECT count() AS c FROM system.processes WHERE current_database = currentDatabase()` },
] as const;

/** Fails with what to grant when the store's user may not read a system table Cashtrace reads. */
export async function checkServerGrants(store: Store, user: string): Promise<void> {
  for (const t of SYSTEM_TABLES) {
    try {
      await store.query(t.probe);
    } catch (err) {
      if (String((err as { code?: unknown } | null)?.code) !== ACCESS_DENIED) throw err;
      const reason = err instanceof Error ? err.message.trim() : String(err);
      throw new Error(`ClickHouse user ${user} may not read system.${t.table} (${reason}): ${t.why}. Run GRANT SELECT ON system.${t.table} TO ${user} (all it needs: ${grantsClause()}).`);
    }
  }
}
