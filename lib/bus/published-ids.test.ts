import { describe, expect, it } from 'vitest';
import { PublishedIds } from './published-ids';

function ids(opts = { ttlMs: 1_000, maxIds: 100 }) {
  let now = 0;
  const p = new PublishedIds(opts, () => now);
  return { p, tick: (ms: number) => (now += ms) };
}

describe('PublishedIds', () => {
  it('gives each event to the first message acknowledged with it; later ones hold it as a duplicate', () => {
    const { p } = ids();
    expect(p.acknowledged(1, ['a', 'b'], false)).toEqual([false, false]);
    expect(p.acknowledged(2, ['b', 'c'], false)).toEqual([true, false]);
    expect([...p.held(['a', 'b', 'c', 'd'])].sort()).toEqual(['a', 'b', 'c']);
  });

  it('answers a message JetStream acknowledges as a duplicate (the same IDs stored before) all duplicates', () => {
    const { p } = ids();
    expect(p.acknowledged(1, ['a', 'b'], false)).toEqual([false, false]);
    expect(p.acknowledged(1, ['a', 'b'], true)).toEqual([true, true]);
    // the first copy came from another process: its events are durable all the same
    expect(p.acknowledged(5, ['x'], true)).toEqual([true]);
    expect(p.held(['x']).has('x')).toBe(true);
  });

  it('releases a message stored by the writer, and only the events that message holds', () => {
    const { p } = ids();
    p.acknowledged(1, ['a', 'b'], false);
    p.acknowledged(2, ['b', 'c'], false);
    p.stored(2);
    expect([...p.held(['a', 'b', 'c'])].sort()).toEqual(['a', 'b']);
    p.stored(1);
    expect(p.held(['a', 'b', 'c']).size).toBe(0);
    expect(p.size).toBe(0);
    p.stored(99); // another process's message
  });

  it('forgets messages after the TTL, oldest first', () => {
    const { p, tick } = ids();
    p.acknowledged(1, ['a'], false);
    tick(600);
    p.acknowledged(2, ['b'], false);
    tick(500);
    expect([...p.held(['a', 'b'])]).toEqual(['b']);
    tick(500);
    expect(p.held(['a', 'b']).size).toBe(0);
    expect(p.size).toBe(0);
  });

  it('keeps at most maxIds, dropping the oldest messages', () => {
    const { p } = ids({ ttlMs: 60_000, maxIds: 4 });
    p.acknowledged(1, ['a', 'b'], false);
    p.acknowledged(2, ['c', 'd'], false);
    p.acknowledged(3, ['e'], false);
    expect(p.size).toBe(3);
    expect([...p.held(['a', 'b', 'c', 'd', 'e'])].sort()).toEqual(['c', 'd', 'e']);
  });
});
