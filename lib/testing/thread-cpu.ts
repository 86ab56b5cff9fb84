// CPU time per thread of a process, grouped by thread name (Linux /proc): which part of
// a run (the JS main thread, chDB's threads, libuv's pool, V8's helpers, nats-server)
// spent the CPU. Empty where /proc is missing.

import fs from 'node:fs';

const TICK_US = 10_000; // USER_HZ is 100 on Linux

/** Thread name ▶ CPU microseconds so far (user + system) of process `pid`. */
export function threadCpu(pid: number | 'self' = 'self'): Map<string, number> {
  const out = new Map<string, number>();
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  const main = String(pid === 'self' ? process.pid : pid);
  for (const t of tasks) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      // The name is in parentheses and may hold spaces; the fields after it are fixed.
      const close = stat.lastIndexOf(')');
      const name = t === main ? 'main' : stat.slice(stat.indexOf('(') + 1, close).replace(/[0-9]+$/, '').trim();
      const f = stat.slice(close + 2).split(' ');
      const us = (Number(f[11]) + Number(f[12])) * TICK_US;
      out.set(name, (out.get(name) ?? 0) + us);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** CPU per thread name spent between two snapshots. */
export function threadCpuSince(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, us] of after) out.set(name, us - (before.get(name) ?? 0));
  return out;
}
