import { describe, expect, it } from 'vitest';
import { parseEventList } from './body';

describe('parseEventList', () => {
  it('NDJSON: items with the line each came from, malformed lines kept by index', () => {
    const body = Buffer.from('{"a": 1}\n\n  {"b":2}  \nnot json\n');
    const r = parseEventList(body, 'application/x-ndjson; charset=utf-8');
    expect(r.items).toEqual([{ a: 1 }, { b: 2 }, undefined]);
    expect(r.lines).toEqual(['{"a": 1}', '{"b":2}', 'not json']);
    expect(r.parseErrors.map((p) => [p.index, p.raw])).toEqual([[2, 'not json']]);
  });

  it('a JSON array has no lines', () => {
    const r = parseEventList(Buffer.from('[{"a":1},{"b":2}]'), 'application/json');
    expect(r.items).toEqual([{ a: 1 }, { b: 2 }]);
    expect(r.lines).toBeUndefined();
  });
});
