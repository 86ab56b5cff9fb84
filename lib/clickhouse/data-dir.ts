// Why an embedded store could not open its data directory, in words a user can act on.
// chDB says only "Failed to create connection for path '…'" (the engine's reason goes to
// stderr); the usual cause is another process holding the directory: only one process may
// open a chDB data directory, and ClickHouse writes its holder's PID into `status`.

import fs from 'node:fs';
import path from 'node:path';

/** The process holding `dir` (from ClickHouse's `status` file), when it is another live process. */
export function dataDirHolder(dir: string): { pid: number; startedAt: string | null } | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, 'status'), 'utf8');
  } catch {
    return null;
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(text)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive, but another user's.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return { pid, startedAt: /^Started at:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? null };
}

/** The error to stop with when chDB cannot open `dir`. */
export function dataDirOpenError(dir: string, err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err);
  const holder = dataDirHolder(dir);
  const cause = holder
    ? `it is in use by process ${holder.pid}${holder.startedAt ? ` (started ${holder.startedAt})` : ''}, and only one process may open an embedded data directory`
    : reason;
  return new Error(
    `cannot open the embedded ClickHouse data directory ${dir}: ${cause}. ` +
      'Stop the other Cashtrace process (npm start, an ingest worker, a bench or test run) using it, set CASHTRACE_DATA_DIR to another directory, ' +
      'or share one ClickHouse server between processes with CLICKHOUSE_URL.',
    { cause: err },
  );
}
