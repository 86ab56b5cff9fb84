// Test helper: which ClickHouse a test file's store is. Embedded chDB in a temporary
// directory by default; in server mode (CASHTRACE_TEST_STORE=server, set by the
// *.server.test.ts files through lib/testing/server-mode.ts) a ClickHouse server over HTTP
// (lib/testing/clickhouse-server: ClickHouse's own HTTP interface), configured as a
// deployment configures one: CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD and a
// database of its own (CLICKHOUSE_DATABASE).

import { resetEnvForTests } from '../env';
import { startClickHouseServer } from './clickhouse-server';
import { appGrants } from '../clickhouse/grants';
import { removeTempDir, tempDir } from './temp-dir';

export function testStoreIsServer(): boolean {
  return process.env.CASHTRACE_TEST_STORE === 'server';
}

/** Servers started in this process (a server-mode file checks it started one: lib/testing/server-mode). */
export let serversStarted = 0;

export interface TestClickHouseServer {
  readonly url: string;
  readonly dir: string;
  /** An account of the server whose profile is read-only (as deployments give dashboards and analysts). */
  readonly readOnly: { readonly user: string; readonly password: string };
  /** An account with every privilege on the database and its tables' engines, none beyond (no SELECT on system.mutations or system.processes). */
  readonly ownDatabaseOnly: { readonly user: string; readonly password: string };
  close(): Promise<void>;
}

/** A server on a new temporary directory, set in the environment (CLICKHOUSE_*) until closed. */
export async function startTestClickHouseServer(): Promise<TestClickHouseServer> {
  const dir = tempDir('cashtrace-chs-');
  const account = { user: 'cashtrace', password: `pw-${process.pid}-${Date.now()}`, database: 'cashtrace' };
  serversStarted++;
  const readOnly = { user: 'cashtrace_reader', password: `ro-${process.pid}-${Date.now()}` };
  const ownDatabaseOnly = { user: 'cashtrace_db_only', password: `db-${process.pid}-${Date.now()}` };
  const server = await startClickHouseServer({
    dataDir: dir,
    users: [
      // Least privilege, as a deployment grants it (README ▸ Configuration).
      { name: account.user, password: account.password, grants: appGrants(account.database) },
      { name: ownDatabaseOnly.user, password: ownDatabaseOnly.password, grants: appGrants(account.database).filter((g) => !g.includes(' system.')) },
      { name: readOnly.user, password: readOnly.password, profile: 'readonly' },
    ],
    databases: [account.database],
  });
  Object.assign(process.env, { CLICKHOUSE_URL: server.url, CLICKHOUSE_USER: account.user, CLICKHOUSE_PASSWORD: account.password, CLICKHOUSE_DATABASE: account.database });
  resetEnvForTests();
  return {
    url: server.url,
    dir,
    readOnly,
    ownDatabaseOnly,
    async close() {
      await server.close();
      for (const k of ['CLICKHOUSE_URL', 'CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD', 'CLICKHOUSE_DATABASE']) delete process.env[k];
      resetEnvForTests();
      removeTempDir(dir);
    },
  };
}
