import { describe, expect, it } from 'vitest';
import { PublishedIds } from './published-ids';
import { publishRetrying } from './jetstream';

function ids(opts = { ttlMs: 1_000, maxIds: 100 }) {
  let now = 0;
  const p = new PublishedIds(opts, () => now);
  return { p, tick: (ms: number) => (now += ms) };
}

describe('PublishedIds', () => {
  it('gives each event to the first message acknowledged with it; later ones hold it as a duplicate', () => {
    const { p } = ids();
    expect(p.acknowledged(1, ['a', 'b'], 'no')).toEqual([false, false]);
    expect(p.acknowledged(2, ['b', 'c'], 'no')).toEqual([true, false]);
    expect([...p.held(['a', 'b', 'c', 'd'])].sort()).toEqual(['a', 'b', 'c']);
  });

  it('answers a message JetStream acknowledges as a duplicate (the same IDs stored before) all duplicates', () => {
    const { p } = ids();
    expect(p.acknowledged(1, ['a', 'b'], 'no')).toEqual([false, false]);
    expect(p.acknowledged(1, ['a', 'b'], 'yes')).toEqual([true, true]);
    // the first copy came from another process: its events are durable all the same
    expect(p.acknowledged(5, ['x'], 'yes')).toEqual([true]);
    expect(p.held(['x']).has('x')).toBe(true);
  });

  it('gives a retried publish acknowledged as a duplicate (its own first attempt stored) the events no earlier message holds', () => {
    const { p } = ids();
    expect(p.acknowledged(1, ['a'], 'no')).toEqual([false]);
    // the retry's first attempt was stored as seq 2, its acknowledgement lost
    expect(p.acknowledged(2, ['a', 'b'], 'unless-ours')).toEqual([true, false]);
    expect([...p.held(['a', 'b'])].sort()).toEqual(['a', 'b']);
  });

  it('releases a message stored by the writer, and only the events that message holds', () => {
    const { p } = ids();
    p.acknowledged(1, ['a', 'b'], 'no');
    p.acknowledged(2, ['b', 'c'], 'no');
    p.stored(2);
    expect([...p.held(['a', 'b', 'c'])].sort()).toEqual(['a', 'b']);
    p.stored(1);
    expect(p.held(['a', 'b', 'c']).size).toBe(0);
    expect(p.size).toBe(0);
    p.stored(99); // another process's message
  });

  it('forgets messages after the TTL, oldest first', () => {
    const { p, tick } = ids();
    p.acknowledged(1, ['a'], 'no');
    tick(600);
    p.acknowledged(2, ['b'], 'no');
    tick(500);
    expect([...p.held(['a', 'b'])]).toEqual(['b']);
    tick(500);
    expect(p.held(['a', 'b']).size).toBe(0);
    expect(p.size).toBe(0);
  });

  it('keeps at most maxIds, dropping the oldest messages', () => {
    const { p } = ids({ ttlMs: 60_000, maxIds: 4 });
    p.acknowledged(1, ['a', 'b'], 'no');
    p.acknowledged(2, ['c', 'd'], 'no');
    p.acknowledged(3, ['e'], 'no');
    expect(p.size).toBe(3);
    expect([...p.held(['a', 'b', 'c', 'd', 'e'])].sort()).toEqual(['c', 'd', 'e']);
  });
});

describe('publishRetrying', () => {
  const timeout = () => Object.assign(new Error('timeout'), { name: 'TimeoutError' });
  it('retries a publish that timed out and says so (a duplicate acknowledgement then is most likely its own first attempt)', async () => {
    let calls = 0;
    const js = {
      publish: async () => {
        calls += 1;
        if (calls === 1) throw timeout();
        return { stream: 'S', seq: 7, duplicate: true, domain: '' };
      },
    };
    const r = await publishRetrying(js as never, 'subj', new Uint8Array(1), { msgID: 'm' }, 5_000);
    expect(r).toEqual({ ack: { stream: 'S', seq: 7, duplicate: true, domain: '' }, retried: true });
    expect(calls).toBe(2);
  });

  it('does not retry what is not transient, and gives up after its budget', async () => {
    const refused = { publish: async () => Promise.reject(new Error('maximum payload exceeded')) };
    await expect(publishRetrying(refused as never, 'subj', new Uint8Array(1), { msgID: 'm' }, 5_000)).rejects.toThrow('maximum payload exceeded');
    let calls = 0;
    const down = {
      publish: async () => {
        calls += 1;
        throw timeout();
      },
    };
    await expect(publishRetrying(down as never, 'subj', new Uint8Array(1), { msgID: 'm' }, 600)).rejects.toThrow('timeout');
    expect(calls).toBeGreaterThan(1);
  });
});
