// Vitest global setup: one temporary root per run. The test processes (forked after this
// runs, inheriting the environment) make their stores, nats-server directories and data
// directories under it (TMPDIR), and a runtime that names no data directory writes its
// generated secrets there, not in the checkout's ./data. Teardown removes the root, so
// what a test could not remove (an engine still finishing a merge as it closed, a process
// that was killed) does not outlive the run.

import path from 'node:path';
import { removeTempDir, tempDir } from './temp-dir';

export default function setup(): () => void {
  const root = tempDir('cashtrace-vitest-');
  process.env.TMPDIR = root;
  process.env.CASHTRACE_DATA_DIR ??= path.join(root, 'data');
  return () => removeTempDir(root);
}
