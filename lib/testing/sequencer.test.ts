import { describe, expect, it } from 'vitest';
import { twinsFirst } from './sequencer.mts';

describe('twinsFirst', () => {
  it('deals the twins out first, one in every two, and keeps every file once in its order', () => {
    const files = ['big.test.ts', 'mid.test.ts', 'small.test.ts', 'tiny.test.ts', 'a.server.test.ts', 'b.server.test.ts'];
    expect(twinsFirst(files, (f) => f.endsWith('.server.test.ts'))).toEqual(['a.server.test.ts', 'big.test.ts', 'b.server.test.ts', 'mid.test.ts', 'small.test.ts', 'tiny.test.ts']);
  });
  it('leaves a list without twins, or of twins only, as it is', () => {
    expect(twinsFirst(['x', 'y'], () => false)).toEqual(['x', 'y']);
    expect(twinsFirst(['x', 'y'], () => true)).toEqual(['x', 'y']);
  });
});
