// Test helper: a fresh embedded ClickHouse (chDB) in a temporary directory, migrated.
// chDB allows one engine per process, so a test file opens one store and reuses it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStore, type Store } from '../clickhouse/client';
import { sql, trustedSql } from '../clickhouse/sql';

export function tempDir(prefix = 'cashtrace-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Removes a temporary directory (tests and benches leave nothing behind in /tmp). The
 * engine's background threads may still be finishing a merge in it just after a close
 * (ENOTEMPTY while the tree is removed): retried; what still will not go is reported, not
 * thrown (a leftover temporary directory never fails a test; vitest's global teardown
 * removes the run's whole temporary root).
 */
export function removeTempDir(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (err) {
    console.error(`[test] could not remove ${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A migrated store in a new temporary directory; closing it removes the directory. */
export async function openTempStore(): Promise<{ store: Store; dir: string }> {
  const dir = tempDir();
  const store = await createStore({ dataDir: dir });
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    removeTempDir(dir);
  };
  return { store, dir };
}

/** Empties every data table between tests (schema stays); `keep` names tables left as they are (e.g. the seeded sla_policies). */
export async function truncateAll(store: Store, opts: { keep?: string[] } = {}): Promise<void> {
  const tables = await store.query<{ name: string }>(
    sql`SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree%' AND name != 'schema_migrations'`,
  );
  for (const t of tables) {
    if (!/^[a-z_0-9]+$/.test(t.name) || opts.keep?.includes(t.name)) continue;
    await store.command(trustedSql(`TRUNCATE TABLE ${t.name}`));
  }
}
