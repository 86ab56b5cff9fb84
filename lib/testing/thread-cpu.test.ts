import { describe, expect, it } from 'vitest';
import { threadCpu, threadCpuSince } from './thread-cpu';

describe('threadCpu', () => {
  it('charges CPU spent on the main thread to "main", and knows nothing of a process that does not exist', () => {
    const before = threadCpu();
    const until = performance.now() + 80;
    let spin = 0;
    while (performance.now() < until) spin += 1;
    const spent = threadCpuSince(before, threadCpu());
    expect(spin).toBeGreaterThan(0);
    // /proc counts in 10 ms ticks.
    expect(spent.get('main')).toBeGreaterThanOrEqual(50_000);
    expect(threadCpu(2 ** 22 + 7).size).toBe(0);
  });
});
