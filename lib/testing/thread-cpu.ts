// CPU time and minor page faults per thread of a process (or of a process and its
// descendants), grouped by thread name (Linux /proc): which part of a run (the JS main
// thread, chDB's threads, libuv's pool, V8's helpers, nats-server) spent the CPU, and which
// touched fresh memory (a minor fault: a page committed on first touch — ~13–16 µs each on
// this kind of machine against ~0.1 µs for a page touched again; bench/README). Empty where
// /proc is missing.

import fs from 'node:fs';

const TICK_US = 10_000; // USER_HZ is 100 on Linux

/** Thread name ▶ a sum of one figure of each thread's /proc stat line (fields after the name). */
function perThread(pid: number | 'self', figure: (fields: string[]) => number): Map<string, number> {
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
      out.set(name, (out.get(name) ?? 0) + figure(stat.slice(close + 2).split(' ')));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** Thread name ▶ CPU microseconds so far (user + system) of process `pid`. */
export function threadCpu(pid: number | 'self' = 'self'): Map<string, number> {
  return perThread(pid, (f) => (Number(f[11]) + Number(f[12])) * TICK_US);
}

/** Thread name ▶ minor page faults so far of process `pid`. */
export function threadFaults(pid: number | 'self' = 'self'): Map<string, number> {
  return perThread(pid, (f) => Number(f[7]));
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

/** threadCpu() (or another per-thread figure) summed over a process and its descendants. */
export function treeCpu(pid: number, read: (pid: number) => Map<string, number> = threadCpu): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of processTree(pid)) for (const [name, n] of read(p)) out.set(name, (out.get(name) ?? 0) + n);
  return out;
}

/** CPU (or faults) per thread name between two snapshots. */
export function threadCpuSince(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, us] of after) out.set(name, us - (before.get(name) ?? 0));
  return out;
}

/**
 * `main 31.2, node 20.1, …`: µs (or faults) per item by thread name, largest first (the total
 * first with `total`); `digits` decimals (1), threads under half the last digit left out.
 */
export function cpuPerItem(spent: Map<string, number>, items: number, opts: { total?: boolean; digits?: number } = {}): string {
  const digits = opts.digits ?? 1;
  const rows = [...spent].filter(([, n]) => n / items >= 0.5 * 10 ** -digits).sort((a, b) => b[1] - a[1]);
  const parts = rows.map(([name, n]) => `${name} ${(n / items).toFixed(digits)}`);
  if (opts.total) parts.unshift(`total ${([...spent.values()].reduce((s, n) => s + Math.max(0, n), 0) / items).toFixed(digits)}`);
  return parts.join(', ');
}

/**
 * What committing fresh memory costs on this machine: µs per 4 KiB page for the first write
 * to a new allocation of `mb` MiB (a minor fault each), and for writing it again. Under some
 * hypervisors the first is ~100× the second, and every fresh buffer, heap page or engine
 * allocation pays it (bench/README, 2026-12-02).
 */
export function pageTouchCost(mb = 64): { firstUs: number; againUs: number } {
  const size = mb * 2 ** 20;
  const buf = Buffer.allocUnsafeSlow(size);
  const pass = (v: number) => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < size; i += 4096) buf[i] = v;
    return Number(process.hrtime.bigint() - t) / 1000 / (size / 4096);
  };
  const firstUs = pass(1);
  return { firstUs, againUs: pass(2) };
}
