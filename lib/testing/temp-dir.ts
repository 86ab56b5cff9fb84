// Temporary directories for tests and benches (no engine involved: vitest's global setup
// uses them too).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
