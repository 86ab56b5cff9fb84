// Test helper: a fresh embedded ClickHouse (chDB) in a temporary directory, migrated.
// chDB allows one engine per process, so a test file opens one store and reuses it.

import { createStore, type Store } from '../clickhouse/client';
import { sql, trustedSql } from '../clickhouse/sql';
import { removeTempDir, tempDir } from './temp-dir';
import { startTestClickHouseServer, testStoreIsServer } from './test-clickhouse';

/**
 * A migrated store in a new temporary directory; closing it removes the directory. In
 * server mode (lib/testing/test-clickhouse) a store over HTTP on a server of its own.
 */
export async function openTempStore(): Promise<{ store: Store; dir: string }> {
  const server = testStoreIsServer() ? await startTestClickHouseServer() : null;
  const dir = server ? server.dir : tempDir();
  const store = await createStore(server ? { url: server.url } : { dataDir: dir });
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    if (server) await server.close(); // removes its directory
    else removeTempDir(dir);
  };
  return { store, dir };
}

/**
 * Empties every data table between tests (schema stays); `keep` names tables left as they
 * are (e.g. the seeded sla_policies). `detach`: the parts are moved aside (renamed into
 * each table's detached/ directory, removed with the store) instead of deleted — for a
 * benchmark, where freed files would slow the next timed section (lib/testing/temp-dir
 * deferTempRemoval).
 */
export async function truncateAll(store: Store, opts: { keep?: string[]; detach?: boolean } = {}): Promise<void> {
  const tables = await store.query<{ name: string }>(
    sql`SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree%' AND name != 'schema_migrations'`,
  );
  for (const t of tables) {
    if (!/^[a-z_0-9]+$/.test(t.name) || opts.keep?.includes(t.name)) continue;
    await store.command(trustedSql(opts.detach ? `ALTER TABLE ${t.name} DETACH PARTITION ALL` : `TRUNCATE TABLE ${t.name}`));
  }
}
