// Temporary directories for tests and benches (no engine involved: vitest's global setup
// uses them too).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Set (to "1") while a bench defers removals: see deferTempRemoval. */
const DEFER_ENV = 'CASHTRACE_DEFER_TEMP_REMOVAL';

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
  // The bench removes its whole temporary root once it is done (bench/run.ts): files freed
  // while it measures slow the next phase's file creation (see deferTempRemoval).
  if (process.env[DEFER_ENV] === '1') return;
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (err) {
    console.error(`[test] could not remove ${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
}


/**
 * For a benchmark: every temporary directory of this process and of the children it starts
 * afterwards goes under one new root, removed only by the returned function (which also
 * ends the deferral; calling it again does nothing). On this
 * machine's ext4 (no journal) the kernel skips inodes freed in the last minute or more when
 * it allocates a new one, looking at each in turn: after a removed store (thousands of files)
 * each file the engine created cost ~1 ms of kernel CPU (perf: ext4_create ▶
 * recently_deleted), and one insert wrote ~250 files (monthly partitions, before sql/059). The phases of a run freed them for
 * the next one to pay.
 */
export function deferTempRemoval(prefix: string): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const saved = { tmpdir: process.env.TMPDIR, defer: process.env[DEFER_ENV] };
  process.env.TMPDIR = root;
  process.env[DEFER_ENV] = '1';
  let done = false;
  return () => {
    if (done) return;
    done = true;
    for (const [k, v] of [['TMPDIR', saved.tmpdir], [DEFER_ENV, saved.defer]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    removeTempDir(root);
  };
}
