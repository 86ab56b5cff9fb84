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
  it('charges the first touch of fresh memory to the thread that touched it, and a second touch nothing more', () => {
    const pages = 4096; // 16 MiB
    const buf = Buffer.allocUnsafeSlow(pages * 4096);
    const before = threadFaults();
    for (let i = 0; i < buf.length; i += 4096) buf[i] = 1;
    const first = threadCpuSince(before, threadFaults()).get('main') ?? 0;
    const again0 = threadFaults();
    for (let i = 0; i < buf.length; i += 4096) buf[i] = 2;
    const again = threadCpuSince(again0, threadFaults()).get('main') ?? 0;
    // Each page faults once (fewer if the allocator reused memory already touched; huge
    // pages would make it far fewer: then this test says so).
    expect(first).toBeGreaterThan(pages / 2);
    expect(again).toBeLessThan(pages / 20);
    expect(threadFaults(2 ** 22 + 7).size).toBe(0);
  });

  it('pageTouchCost measures a first touch no cheaper than a second', () => {
    const { firstUs, againUs } = pageTouchCost(16);
    expect(firstUs).toBeGreaterThan(0);
    expect(firstUs).toBeGreaterThan(againUs);
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
