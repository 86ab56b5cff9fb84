import { describe, expect, it } from 'vitest';
import { axisTicks, layoutWaterfall } from './waterfall';

const s = (span_id: string, parent_span_id: string, offset_ms: number, duration_ms: number) => ({ span_id, parent_span_id, offset_ms, duration_ms });

describe('layoutWaterfall', () => {
  it('nests children under their parent in start order, depth first', () => {
    const rows = layoutWaterfall([s('c2', 'a', 50, 10), s('a', '', 0, 100), s('g', 'c1', 12, 3), s('c1', 'a', 10, 30)]);
    expect(rows.map((r) => [r.span_id, r.depth, r.children])).toEqual([
      ['a', 0, 2],
      ['c1', 1, 1],
      ['g', 2, 0],
      ['c2', 1, 0],
    ]);
  });

  it('shows spans with a missing parent, and spans in a parent cycle, as roots', () => {
    const rows = layoutWaterfall([s('x', 'missing', 5, 1), s('a', '', 0, 10), s('p', 'q', 1, 1), s('q', 'p', 2, 1)]);
    expect(rows.map((r) => [r.span_id, r.depth])).toEqual([
      ['a', 0],
      ['x', 0],
      ['p', 0],
      ['q', 1],
    ]);
  });
});

describe('axisTicks', () => {
  it('picks round steps', () => {
    expect(axisTicks(1000)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(axisTicks(3700)).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000, 3500]);
    expect(axisTicks(0)).toEqual([0]);
  });
});
