// Test helper for route tests: the process-wide runtime on a fresh temp data directory,
// with a bootstrap admin token for Authorization headers and the simulator off.
// One per test file (chDB allows one engine per process).

import { resetEnvForTests } from '../env';
import type { Runtime } from '../runtime';
import { tempDir } from './temp-store';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export async function openTestRuntime(): Promise<Runtime> {
  process.env.CASHTRACE_DATA_DIR = tempDir();
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

export async function closeTestRuntime(rt: Runtime | undefined): Promise<void> {
  await rt?.shutdown();
  await rt?.store.close();
}
