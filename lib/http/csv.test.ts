// CSV exports: every row of a paged list, each once, or a clear refusal, never a cut-short file.

import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { allPages, toCsv, wholeList, type ExportPage } from './csv';

/** A paged list over `rows` with offset cursors, as the API's lists page. */
function pager(rows: string[], o: { total?: boolean; onPage?: (offset: number) => void } = {}) {
  const calls: number[] = [];
  const page = async (cursor: string | undefined, limit: number): Promise<ExportPage<string>> => {
    const offset = cursor ? Number(cursor) : 0;
    calls.push(offset);
    o.onPage?.(offset);
    const slice = rows.slice(offset, offset + limit);
    return { rows: slice, next: offset + limit < rows.length ? String(offset + limit) : null, total: o.total ? rows.length : undefined };
  };
  return { page, calls };
}

describe('allPages', () => {
  it('reads page after page to the last and keeps every row once, in order', async () => {
    const rows = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const p = pager(rows);
    expect(await allPages(p.page, (r) => r, { pageSize: 2 })).toEqual(rows);
    expect(p.calls).toEqual([0, 2, 4, 6]);
  });

  it('keeps a row once when the list shifted and it reappears on the next page', async () => {
    const rows = ['a', 'b', 'c', 'd', 'e'];
    // after the first page, a new row sorts in front: 'b' moves onto page two
    const p = pager(rows, { onPage: (offset) => offset === 0 || rows[0] === 'new' || rows.unshift('new') });
    const got = await allPages(p.page, (r) => r, { pageSize: 2 });
    expect(got).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('refuses an export over the limit with the count, before reading it when the total is known', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `r${i}`);
    const known = pager(rows, { total: true });
    const err = await allPages(known.page, (r) => r, { pageSize: 5, max: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, code: 'export_too_large', message: expect.stringContaining('30 rows match') });
    expect(known.calls).toEqual([0]);
    const unknown = pager(rows);
    const err2 = await allPages(unknown.page, (r) => r, { pageSize: 5, max: 10 }).catch((e: unknown) => e);
    expect(err2).toMatchObject({ status: 422, message: expect.stringContaining('more than 10 rows match') });
    expect(unknown.calls).toEqual([0, 5, 10]);
  });

  it('returns an empty export for an empty list', async () => {
    expect(await allPages(pager([]).page, (r) => r)).toEqual([]);
  });
});

describe('wholeList', () => {
  it('passes a list within the limit and refuses one over it', () => {
    expect(wholeList([1, 2, 3], 3, 3)).toEqual([1, 2, 3]);
    expect(() => wholeList([1, 2, 3, 4], undefined, 3)).toThrow(/more than 3 rows match/);
    expect(() => wholeList([1], 50, 3)).toThrow(/50 rows match/);
  });
});

describe('toCsv', () => {
  it('quotes separators and defuses spreadsheet formulas', () => {
    expect(toCsv(['a', 'b'], [{ a: 'x,"y"', b: '=SUM(A1)' }, { a: -5, b: null }])).toBe('a,b\r\n"x,""y""",\'=SUM(A1)\r\n-5,\r\n');
  });
});
