import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher';

/** A flush the test completes by hand; records the batches it was given. */
function manualFlush() {
  const calls: { items: number[]; finish: (ok?: boolean) => void; prepared: () => void }[] = [];
  const flush = (items: number[], prepared: () => void) =>
    new Promise<number[]>((resolve, reject) => {
      calls.push({ items, prepared, finish: (ok = true) => (ok ? resolve(items.map((i) => i * 10)) : reject(new Error('flush failed'))) });
    });
  return { calls, flush };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Batcher', () => {
  it('flushes at the row limit, runs at most maxInFlight flushes and routes each result to its producer', async () => {
    const { calls, flush } = manualFlush();
    const b = new Batcher<number, number>({ maxRows: 2, maxBytes: 1e9, maxWaitMs: 60_000, maxQueuedBytes: 1e9, maxInFlight: 2, flush });
    const p1 = b.add([1, 2], 2);
    const p2 = b.add([3, 4], 2);
    const p3 = b.add([5, 6], 2);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4]]);
    calls[1].finish();
    expect(await p2).toEqual([30, 40]);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4], [5, 6]]);
    calls[0].finish(false);
    await expect(p1).rejects.toThrow('flush failed');
    calls[2].finish();
    expect(await p3).toEqual([50, 60]);
    expect(b.stats).toEqual({ queuedRows: 0, queuedBytes: 0 });
  });

  it('below the limits, waits maxWaitMs for company, then writes the producers together', async () => {
    const { calls, flush } = manualFlush();
    const b = new Batcher<number, number>({ maxRows: 100, maxBytes: 1e9, maxWaitMs: 20, maxQueuedBytes: 1e9, maxInFlight: 2, flush });
    const ps = [b.add([1], 1), b.add([2], 1), b.add([3], 1)];
    await tick();
    expect(calls).toHaveLength(0);
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(calls[0].items).toEqual([1, 2, 3]);
    calls[0].finish();
    expect(await Promise.all(ps)).toEqual([[10], [20], [30]]);
  });

  it('while a flush runs, a partial batch waits for it and takes everything that gathered meanwhile', async () => {
    const { calls, flush } = manualFlush();
    const b = new Batcher<number, number>({ maxRows: 100, maxBytes: 1e9, maxWaitMs: 1, maxQueuedBytes: 1e9, maxInFlight: 2, flush });
    const first = b.add([1], 1);
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 2));
    const later = [b.add([2], 1), b.add([3], 1)];
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(1);
    calls[0].finish();
    await first;
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3]]);
    calls[1].finish();
    expect(await Promise.all(later)).toEqual([[20], [30]]);
  });

  it('once the running flush has prepared its batch, the next partial batch is written alongside', async () => {
    const { calls, flush } = manualFlush();
    const b = new Batcher<number, number>({ maxRows: 100, maxBytes: 1e9, maxWaitMs: 1, maxQueuedBytes: 1e9, maxInFlight: 2, flush });
    const first = b.add([1], 1);
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 2));
    const second = b.add([2], 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toHaveLength(1);
    calls[0].prepared();
    while (calls.length === 1) await new Promise((r) => setTimeout(r, 2));
    expect(calls.map((c) => c.items)).toEqual([[1], [2]]);
    calls[1].finish();
    calls[0].finish();
    expect(await Promise.all([first, second])).toEqual([[10], [20]]);
  });

  it('with alongsideMinRows Infinity (a bus consumer), a partial batch waits for the running flush to end, not just to prepare', async () => {
    const { calls, flush } = manualFlush();
    const b = new Batcher<number, number>({ maxRows: 3, maxBytes: 1e9, maxWaitMs: 1, maxQueuedBytes: 1e9, maxInFlight: 2, alongsideMinRows: Infinity, flush });
    const first = b.add([1], 1);
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 2));
    calls[0].prepared();
    const later = [b.add([2], 1), b.add([3], 1)];
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toHaveLength(1);
    // Once a full batch is waiting, it goes alongside at once (the partial rows first).
    const full = b.add([4, 5, 6], 3);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3]]);
    calls[0].finish();
    await first;
    while (calls.length === 2) await new Promise((r) => setTimeout(r, 2));
    expect(calls[2].items).toEqual([4, 5, 6]);
    calls[1].finish();
    calls[2].finish();
    expect(await Promise.all([...later, full])).toEqual([[20], [30], [40, 50, 60]]);
  });

  it('below alongsideMinRows a partial batch waits for the running flush to end; at it, only for it to prepare', async () => {
    const { calls, flush } = manualFlush();
    const b = new Batcher<number, number>({ maxRows: 10, maxBytes: 1e9, maxWaitMs: 1, maxQueuedBytes: 1e9, maxInFlight: 2, alongsideMinRows: 2, flush });
    const first = b.add([1], 1);
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 2));
    calls[0].prepared();
    const small = b.add([2], 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toHaveLength(1); // one row waiting: not worth an insert of its own
    const more = b.add([3], 1);
    while (calls.length === 1) await new Promise((r) => setTimeout(r, 2));
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3]]); // two: written alongside
    calls[1].prepared();
    const last = b.add([4], 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toHaveLength(2);
    calls[0].finish();
    await first;
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toHaveLength(2); // the second flush still runs
    calls[1].finish();
    while (calls.length === 2) await new Promise((r) => setTimeout(r, 2));
    expect(calls[2].items).toEqual([4]);
    calls[2].finish();
    expect(await Promise.all([small, more, last])).toEqual([[20], [30], [40]]);
  });

  it('passes each producer\'s tag to the flush with the range of its items', async () => {
    const parts: unknown[] = [];
    const b = new Batcher<number, number, string>({
      maxRows: 5, maxBytes: 1e9, maxWaitMs: 60_000, maxQueuedBytes: 1e9,
      flush: async (items, _prepared, p) => {
        parts.push(...p);
        return items;
      },
    });
    await Promise.all([b.add([1, 2], 2, 'a'), b.add([3], 1), b.add([4, 5], 2, 'c')]);
    expect(parts).toEqual([
      { start: 0, end: 2, tag: 'a' },
      { start: 2, end: 3, tag: undefined },
      { start: 3, end: 5, tag: 'c' },
    ]);
  });

  it('holds producers back while too many bytes are queued or being written', async () => {
    const { calls, flush } = manualFlush();
    const b = new Batcher<number, number>({ maxRows: 1, maxBytes: 1e9, maxWaitMs: 60_000, maxQueuedBytes: 10, maxInFlight: 1, flush });
    const first = b.add([1], 8);
    let secondQueued = false;
    const second = b.add([2], 8).then((r) => {
      secondQueued = true;
      return r;
    });
    await tick();
    expect(b.stats.queuedBytes).toBe(8);
    calls[0].finish();
    await first;
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2]]);
    expect(secondQueued).toBe(false);
    calls[1].finish();
    expect(await second).toEqual([20]);
  });

  it('drain writes everything still queued, then refuses new items', async () => {
    const done: number[][] = [];
    const b = new Batcher<number, number>({
      maxRows: 1000, maxBytes: 1e9, maxWaitMs: 60_000, maxQueuedBytes: 1e9, maxInFlight: 2,
      flush: async (items) => {
        done.push(items);
        return items;
      },
    });
    const p = b.add([1, 2, 3], 3);
    await b.drain();
    expect(await p).toEqual([1, 2, 3]);
    expect(done).toEqual([[1, 2, 3]]);
    await expect(b.add([4], 1)).rejects.toThrow('shut down');
  });
});
