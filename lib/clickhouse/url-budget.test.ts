import { describe, expect, it } from 'vitest';
import { SERVER_PARAM_BYTES, urlBytes, urlRanges } from './url-budget';

describe('urlRanges', () => {
  const ids = Array.from({ length: 30_000 }, (_, i) => `erp:sales_order:${'Ü'.repeat(20)}-${i}`);
  const bytes = (i: number) => urlBytes(ids[i]);

  it('to a server: consecutive ranges covering every item, each within the URL share and the item limit', () => {
    const ranges = urlRanges('server', ids.length, bytes, 10_000);
    expect(ranges.length).toBeGreaterThan(3);
    expect(ranges[0][0]).toBe(0);
    expect(ranges[ranges.length - 1][1]).toBe(ids.length);
    ranges.forEach(([start, end], k) => {
      if (k > 0) expect(start).toBe(ranges[k - 1][1]);
      expect(end - start).toBeLessThanOrEqual(10_000);
      let sum = 0;
      for (let i = start; i < end; i++) sum += bytes(i);
      expect(sum).toBeLessThanOrEqual(SERVER_PARAM_BYTES);
      // full: the next item would not have fitted
      if (end < ids.length && end - start < 10_000) expect(sum + bytes(end)).toBeGreaterThan(SERVER_PARAM_BYTES);
    });
  });

  it('embedded: one range (or none), only the item limit applies; an item over the share still gets a range', () => {
    expect(urlRanges('embedded', ids.length, bytes)).toEqual([[0, ids.length]]);
    expect(urlRanges('embedded', ids.length, bytes, 20_000)).toEqual([[0, 20_000], [20_000, 30_000]]);
    expect(urlRanges('server', 0, bytes)).toEqual([]);
    expect(urlRanges('server', 2, (i) => (i === 0 ? SERVER_PARAM_BYTES * 2 : 10))).toEqual([[0, 1], [1, 2]]);
  });

  it('counts an ID as the URL carries it', () => {
    expect(urlBytes('a:b')).toBe(encodeURIComponent('a:b').length + 9);
    expect(urlBytes('Ü')).toBe(6 + 9);
  });
});
