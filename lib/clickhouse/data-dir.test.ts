import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createStore } from './client';
import { sql } from './sql';
import { dataDirHolder } from './data-dir';
import { removeTempDir, tempDir } from '../testing/temp-dir';

const dirs: string[] = [];
const procs: ChildProcess[] = [];
afterAll(() => {
  for (const p of procs) p.kill('SIGKILL');
  for (const d of dirs) removeTempDir(d);
});

/** Another process holding an embedded store in `dir` until killed. */
async function holdInAnotherProcess(dir: string): Promise<ChildProcess> {
  const code = `const { createChdbConnection } = await import('chdb/connection'); createChdbConnection({ path: ${JSON.stringify(dir)} }); console.log('open'); setInterval(() => {}, 1000);`;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d) => String(d).includes('open') && resolve());
    proc.once('exit', (c) => reject(new Error(`holder exited ${c}: ${err}`)));
  });
  return proc;
}

describe('an embedded data directory another process holds', () => {
  it('fails to open with the holder named and what to do, not chDB\'s bare "Failed to create connection"', async () => {
    const dir = tempDir('cashtrace-held-');
    dirs.push(dir);
    const holder = await holdInAnotherProcess(dir);
    expect(dataDirHolder(dir)?.pid).toBe(holder.pid);
    const opened = createStore({ dataDir: dir });
    await expect(opened).rejects.toThrow(new RegExp(`data directory ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: it is in use by process ${holder.pid} \\(started `));
    await expect(opened).rejects.toThrow(/set CASHTRACE_DATA_DIR to another directory, or share one ClickHouse server between processes with CLICKHOUSE_URL/);
    // Once the holder is gone, the directory opens (nothing was harmed by the attempt).
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    expect(dataDirHolder(dir)).toBeNull();
    const store = await createStore({ dataDir: dir });
    expect(await store.query(sql`SELECT 1 AS one`, z.object({ one: z.coerce.number() }))).toEqual([{ one: 1 }]);
    await store.close();
  }, 60_000);

  it('names no holder for a status file of a process that is gone, or none at all', () => {
    const dir = tempDir('cashtrace-status-');
    dirs.push(dir);
    expect(dataDirHolder(dir)).toBeNull();
    // PID 2^22 + 1 is above Linux's pid_max limit: never a live process.
    fs.writeFileSync(path.join(dir, 'status'), 'PID: 4194305\nStarted at: 2026-12-03 18:23:33\nRevision: 54513\n');
    expect(dataDirHolder(dir)).toBeNull();
    fs.writeFileSync(path.join(dir, 'status'), `PID: ${process.pid}\n`);
    expect(dataDirHolder(dir)).toBeNull();
  });
});
