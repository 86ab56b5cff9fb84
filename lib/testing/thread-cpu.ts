// CPU time per thread of a process (or of a process and its descendants), grouped by
// thread name (Linux /proc): which part of a run (the JS main thread, chDB's threads,
// libuv's pool, V8's helpers, nats-server) spent the CPU. Empty where /proc is missing.

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
      const name = t === main ? 'main' : stat.slice(stat.indexOf('(') + 1, close).trim();
      const f = stat.slice(close + 2).split(' ');
      const us = (Number(f[11]) + Number(f[12])) * TICK_US;
      out.set(name, (out.get(name) ?? 0) + us);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** The process and its descendants (a `next start` may fork its server). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${out[i]}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        for (const c of fs.readFileSync(`/proc/${out[i]}/task/${t}/children`, 'utf8').split(' ')) if (c.trim()) out.push(Number(c));
      } catch {
        // The thread ended, or the kernel does not list children.
      }
    }
  }
  return out;
}

/** threadCpu() summed over a process and its descendants. */
export function treeCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of processTree(pid)) for (const [name, us] of threadCpu(p)) out.set(name, (out.get(name) ?? 0) + us);
  return out;
}

/** CPU per thread name spent between two snapshots. */
export function threadCpuSince(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, us] of after) out.set(name, us - (before.get(name) ?? 0));
  return out;
}

/** `main 31.2, node 20.1, …`: µs per item by thread name, largest first (the total first with `total`). */
export function cpuPerItem(spent: Map<string, number>, items: number, opts: { total?: boolean } = {}): string {
  const rows = [...spent].filter(([, us]) => us > 0).sort((a, b) => b[1] - a[1]);
  const parts = rows.map(([name, us]) => `${name} ${(us / items).toFixed(1)}`);
  if (opts.total) parts.unshift(`total ${(rows.reduce((s, [, us]) => s + us, 0) / items).toFixed(1)}`);
  return parts.join(', ');
}
