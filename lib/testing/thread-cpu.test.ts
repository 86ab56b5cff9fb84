import { describe, expect, it } from 'vitest';
import { cpuPerItem, pageTouchCost, processTree, threadCpu, threadCpuSince, threadFaults, treeCpu } from './thread-cpu';

describe('threadCpu', () => {
  it('charges CPU spent on the main thread to "main", and knows nothing of a process that does not exist', () => {
    // Spin until the main thread has been charged 50 ms (a fixed spin fell short while other
    // test workers shared the 2 cores), bounded by a deadline; a thread cannot be charged
    // more CPU than the wall time it ran (plus /proc's rounding: each of the two readings is
    // in 10 ms ticks, so the difference can be two ticks over — seen in CI on 2026-12-01:
    // 50 ms charged over 34 ms of wall).
    const before = threadCpu();
    const started = performance.now();
    let spent = 0;
    let spin = 0;
    while (spent < 50_000 && performance.now() - started < 10_000) {
      const until = performance.now() + 10;
      while (performance.now() < until) spin += 1;
      spent = threadCpuSince(before, threadCpu()).get('main') ?? 0;
    }
    const wallUs = (performance.now() - started) * 1000;
    expect(spin).toBeGreaterThan(0);
    expect(spent).toBeGreaterThanOrEqual(50_000);
    expect(spent).toBeLessThanOrEqual(wallUs + 20_000);
    expect(threadCpu(2 ** 22 + 7).size).toBe(0);
  });
});

describe('treeCpu', () => {
  it('counts the CPU of a child process too', async () => {
    const { spawn } = await import('node:child_process');
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const child = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
    try {
      while (!processTree(process.pid).includes(child.pid!)) await sleep(10);
      const self0 = threadCpu();
      const tree0 = treeCpu(process.pid);
      let childMain = 0;
      const deadline = Date.now() + 10_000;
      while (childMain < 50_000 && Date.now() < deadline) {
        await sleep(20);
        const self = threadCpuSince(self0, threadCpu()).get('main') ?? 0;
        childMain = (threadCpuSince(tree0, treeCpu(process.pid)).get('main') ?? 0) - self;
      }
      expect(childMain).toBeGreaterThanOrEqual(50_000);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('threadFaults', () => {
  it('charges the first touch of fresh memory to the thread that touched it, and a second touch (almost) nothing', () => {
    // 40 MiB: above glibc's largest automatic mmap threshold (32 MiB), so fresh pages from the
    // kernel rather than memory the allocator had already touched.
    const pages = 10_240;
    const buf = Buffer.allocUnsafeSlow(pages * 4096);
    const before = threadFaults();
    for (let i = 0; i < buf.length; i += 4096) buf[i] = 1;
    const first = threadCpuSince(before, threadFaults()).get('main') ?? 0;
    const again0 = threadFaults();
    for (let i = 0; i < buf.length; i += 4096) buf[i] = 2;
    const again = threadCpuSince(again0, threadFaults()).get('main') ?? 0;
    // A fault per page, or one per 2 MiB where transparent huge pages are always on (20).
    expect(first).toBeGreaterThanOrEqual(16);
    expect(again * 4).toBeLessThan(first);
    expect(threadFaults(2 ** 22 + 7).size).toBe(0);
  });

  it('pageTouchCost gives both costs per page as positive figures', () => {
    const { firstUs, againUs } = pageTouchCost(40);
    expect(Number.isFinite(firstUs) && firstUs > 0).toBe(true);
    expect(Number.isFinite(againUs) && againUs > 0).toBe(true);
  });
});

describe('cpuPerItem', () => {
  it('lists threads largest first, leaves out those that round to nothing, and totals them all', () => {
    const spent = new Map([
      ['node', 2_000],
      ['main', 3_000],
      ['idle', 1],
    ]);
    expect(cpuPerItem(spent, 100, { total: true })).toBe('total 50.0, main 30.0, node 20.0');
    expect(cpuPerItem(new Map([['main', 56]]), 100, { digits: 2 })).toBe('main 0.56');
  });
});
