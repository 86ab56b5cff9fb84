import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../events/schema';
import { LookupWindow, Precheck } from './lookup-window';

const ev = (id: string) => ({ event_id: id }) as unknown as CanonicalEvent;
const ids = (...xs: string[]) => new Set(xs);

describe('LookupWindow', () => {
  it('tells a lookup what was stored after it opened, and keeps batches only while such a lookup is open', () => {
    const w = new LookupWindow();
    w.recordStored(ids('a'));
    expect(w.storedBatches).toBe(0);
    const first = w.openLookup();
    w.recordStored(ids('b'));
    const second = w.openLookup();
    w.recordStored(ids('c'));
    expect(['a', 'b', 'c'].filter((id) => w.storedSince(first).has(id))).toEqual(['b', 'c']);
    expect(['a', 'b', 'c'].filter((id) => w.storedSince(second).has(id))).toEqual(['c']);
    w.close(first);
    expect(w.storedBatches).toBe(1);
    w.close(second);
    expect(w.storedBatches).toBe(0);
  });

  it('a write claims events handed over with an open pre-check: no lookup for them, and what was stored since the pre-check started still counts', () => {
    const w = new LookupWindow();
    const pre = w.openLookup(60_000);
    w.recordStored(ids('x'));
    const check = w.precheck(pre, 2);
    expect(check).toBeInstanceOf(Precheck);
    const events = [ev('p1'), ev('p2'), ev('d1')];
    const { lookup, unchecked } = w.claim(events, [
      { start: 0, end: 2, tag: check },
      { start: 2, end: 3, tag: undefined },
    ]);
    expect(unchecked.map((e) => e.event_id)).toEqual(['d1']);
    expect(w.storedSince(lookup).has('x')).toBe(true);
    // Every event of the pre-check is claimed: only the write's lookup is still open.
    expect(w.openCount).toBe(1);
    w.close(lookup);
    expect(w.openCount).toBe(0);
    expect(w.storedBatches).toBe(0);
  });

  it('a pre-check stays open for the events not claimed yet; an expired one, a part larger than it or another tag is looked up', async () => {
    const w = new LookupWindow();
    const check = w.precheck(w.openLookup(200), 3)!;
    const a = w.claim([ev('a')], [{ start: 0, end: 1, tag: check }]);
    expect(a.unchecked).toEqual([]);
    w.close(a.lookup);
    expect(w.openCount).toBe(1);
    const tooMany = w.claim([ev('b'), ev('c'), ev('d')], [{ start: 0, end: 3, tag: check }]);
    expect(tooMany.unchecked).toHaveLength(3);
    w.close(tooMany.lookup);
    const other = w.claim([ev('b')], [{ start: 0, end: 1, tag: { pending: 1 } }]);
    expect(other.unchecked).toHaveLength(1);
    w.close(other.lookup);
    await new Promise((r) => setTimeout(r, 250));
    const late = w.claim([ev('b'), ev('c')], [{ start: 0, end: 2, tag: check }]);
    expect(late.unchecked.map((e) => e.event_id)).toEqual(['b', 'c']);
    w.close(late.lookup);
    expect(w.openCount).toBe(0);
  });

  it('a pre-check that found every event committed hands nothing along and holds nothing open', () => {
    const w = new LookupWindow();
    expect(w.precheck(w.openLookup(60_000), 0)).toBeNull();
    expect(w.openCount).toBe(0);
    w.recordStored(ids('a'));
    expect(w.storedBatches).toBe(0);
  });
});
