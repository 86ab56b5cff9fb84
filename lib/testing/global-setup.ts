// Vitest global setup: one temporary root per run. The test processes (forked after this
// runs, inheriting the environment) make their stores, nats-server directories and data
// directories under it (TMPDIR), and a runtime that names no data directory writes its
// generated secrets there, not in the checkout's ./data. Teardown removes the root, so
// what a test could not remove (an engine still finishing a merge as it closed, a process
// that was killed) does not outlive the run.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cashtrace-vitest-'));
  process.env.TMPDIR = root;
  process.env.CASHTRACE_DATA_DIR ??= path.join(root, 'data');
  return () => {
    try {
      fs.rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch (err) {
      console.error(`[test] could not remove ${root}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}
