// Test helper for route tests: the process-wide runtime on a fresh temp data directory,
// with a bootstrap admin token for Authorization headers and the simulator off.
// One per test file (chDB allows one engine per process).

import { resetEnvForTests } from '../env';
import type { Runtime } from '../runtime';
import { removeTempDir, tempDir } from './temp-dir';
import { startTestClickHouseServer, testStoreIsServer, type TestClickHouseServer } from './test-clickhouse';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** The data directory openTestRuntime made (removed by closeTestRuntime). */
let dataDir: string | null = null;
/** In server mode (lib/testing/test-clickhouse): the server the runtime's store is on. */
let server: TestClickHouseServer | null = null;

export async function openTestRuntime(): Promise<Runtime> {
  if (testStoreIsServer()) server = await startTestClickHouseServer();
  dataDir = tempDir();
  process.env.CASHTRACE_DATA_DIR = dataDir;
  process.env.CASHTRACE_BOOTSTRAP_ADMIN_TOKEN = TEST_ADMIN_TOKEN;
  process.env.CASHTRACE_SIMULATOR = 'off';
  resetEnvForTests();
  const { getRuntime } = await import('../runtime');
  return getRuntime();
}

/** A GET request as the bootstrap admin. */
export function adminGet(path: string): Request {
  return new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
}

/** Stops the runtime, closes its store and removes the data directory openTestRuntime made. */
export async function closeTestRuntime(rt: Runtime | undefined): Promise<void> {
  await rt?.shutdown();
  await rt?.store.close();
  if (dataDir) removeTempDir(dataDir);
  dataDir = null;
  await server?.close();
  server = null;
}
