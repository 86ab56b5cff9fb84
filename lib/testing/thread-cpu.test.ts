import { describe, expect, it } from 'vitest';
import { processTree, threadCpu, threadCpuSince, treeCpu } from './thread-cpu';

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
