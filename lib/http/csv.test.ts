// CSV exports: every row of a paged list, each once, streamed page by page, or a clear
// refusal, never a cut-short file; and how each export ended, for the audit trail.

import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { csvResponse, everyPage, onExportEnd, toCsv, wholeList, type ExportEnd, type ExportPage } from './csv';

/** Every row of an export, its pages joined. */
async function allPages<R>(pages: AsyncIterable<R[]>): Promise<R[]> {
  const out: R[] = [];
  for await (const p of pages) out.push(...p);
  return out;
}

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

describe('everyPage', () => {
  it('reads page after page to the last and keeps every row once, in order', async () => {
    const rows = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const p = pager(rows);
    expect(await allPages(everyPage(p.page, (r) => r, { pageSize: 2 }))).toEqual(rows);
    expect(p.calls).toEqual([0, 2, 4, 6]);
  });

  it('keeps a row once when the list shifted and it reappears on the next page', async () => {
    const rows = ['a', 'b', 'c', 'd', 'e'];
    // after the first page, a new row sorts in front: 'b' moves onto page two
    const p = pager(rows, { onPage: (offset) => offset === 0 || rows[0] === 'new' || rows.unshift('new') });
    const got = await allPages(everyPage(p.page, (r) => r, { pageSize: 2 }));
    expect(got).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('refuses an export over the limit with the count, before reading it when the total is known', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `r${i}`);
    const known = pager(rows, { total: true });
    const err = await allPages(everyPage(known.page, (r) => r, { pageSize: 5, max: 10 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, code: 'export_too_large', message: expect.stringContaining('30 rows match') });
    expect(known.calls).toEqual([0]);
    const unknown = pager(rows);
    const err2 = await allPages(everyPage(unknown.page, (r) => r, { pageSize: 5, max: 10 })).catch((e: unknown) => e);
    expect(err2).toMatchObject({ status: 422, message: expect.stringContaining('more than 10 rows match') });
    expect(unknown.calls).toEqual([0, 5, 10]);
  });

  it('yields page by page: the next page is read only when the one before was taken', async () => {
    const p = pager(['a', 'b', 'c', 'd', 'e'], { total: true });
    const pages = everyPage(p.page, (r) => r, { pageSize: 2 });
    expect((await pages.next()).value).toEqual(['a', 'b']);
    expect(p.calls).toEqual([0]);
    expect((await pages.next()).value).toEqual(['c', 'd']);
    expect(p.calls).toEqual([0, 2]);
  });

  it('returns an empty export for an empty list', async () => {
    expect(await allPages(everyPage(pager([]).page, (r) => r))).toEqual([]);
  });
});

describe('csvResponse', () => {
  async function* cells(pages: AsyncIterable<string[]>) {
    for await (const page of pages) yield page.map((v) => ({ v }));
  }
  const rowsOf = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ n: from + i }));
  /** The export's end as its hook sees it, and whether the hook had finished when the body ended. */
  function watch(res: Response) {
    const seen: { end?: ExportEnd; hookDone: boolean } = { hookDone: false };
    expect(onExportEnd(res, async (end) => {
      seen.end = end;
      await new Promise((r) => setTimeout(r, 20)); // the audit write
      seen.hookDone = true;
    })).toBe(true);
    return seen;
  }

  it('streams a paged list page by page, and the end hook has run before the last byte', async () => {
    const p = pager(Array.from({ length: 7 }, (_, i) => `r${i}`), { total: true });
    const res = await csvResponse('x y.csv', ['v'], cells(everyPage(p.page, (r) => r, { pageSize: 3 })));
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="x_y.csv"');
    expect(p.calls).toEqual([0]); // the first page is read before the response is made, the rest as it is sent
    const seen = watch(res);
    expect(await res.text()).toBe(['v', 'r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', ''].join('\r\n'));
    expect(p.calls).toEqual([0, 3, 6]);
    expect(seen).toEqual({ end: { rows: 7 }, hookDone: true });
  });

  it('closes every row of every page with the constant columns (a value column\'s currency)', async () => {
    const p = pager(['r0', 'r1', 'r2', 'r3'], { total: true });
    const res = await csvResponse('c.csv', ['v'], cells(everyPage(p.page, (r) => r, { pageSize: 3 })), { value_currency: 'USD' });
    expect(await res.text()).toBe(['v,value_currency', 'r0,USD', 'r1,USD', 'r2,USD', 'r3,USD', ''].join('\r\n'));
    expect(await (await csvResponse('e.csv', ['n'], [], { value_currency: 'EUR' })).text()).toBe('n,value_currency\r\n');
  });

  it('sends a list already read the same way, and an empty one as its header', async () => {
    const res = await csvResponse('a.csv', ['n'], rowsOf(2));
    const seen = watch(res);
    expect(await res.text()).toBe('n\r\n0\r\n1\r\n');
    expect(seen).toEqual({ end: { rows: 2 }, hookDone: true });
    const empty = await csvResponse('e.csv', ['n'], []);
    const none = watch(empty);
    expect(await empty.text()).toBe('n\r\n');
    expect(none.end).toEqual({ rows: 0 });
  });

  it('is refused as a response, not a file, when the first page already says too many', async () => {
    const p = pager(Array.from({ length: 30 }, (_, i) => `r${i}`), { total: true });
    const err = await csvResponse('x.csv', ['v'], cells(everyPage(p.page, (r) => r, { max: 10 }))).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 422, code: 'export_too_large' });
  });

  it('ends in an error, not a shorter file, when a later page goes over the limit or fails', async () => {
    const p = pager(Array.from({ length: 30 }, (_, i) => `r${i}`));
    const res = await csvResponse('x.csv', ['v'], cells(everyPage(p.page, (r) => r, { pageSize: 5, max: 10 })));
    const seen = watch(res);
    await expect(res.text()).rejects.toThrow(/more than 10 rows match/);
    expect(seen).toEqual({ end: { rows: 10, failed: 'export_too_large' }, hookDone: true });
    const broken = await csvResponse('x.csv', ['n'], (async function* () {
      yield rowsOf(2);
      throw new Error('ClickHouse went away');
    })());
    const b = watch(broken);
    await expect(broken.text()).rejects.toThrow(/ClickHouse went away/);
    expect(b.end).toEqual({ rows: 2, failed: 'internal' });
  });

  it('stops reading when the client leaves, and says how many rows it had sent', async () => {
    let read = 0;
    const res = await csvResponse('x.csv', ['n'], (async function* () {
      for (let page = 0; page < 100; page++) {
        read++;
        yield rowsOf(10, page * 10);
      }
    })());
    const seen = watch(res);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first.split('\r\n').slice(0, 3)).toEqual(['n', '0', '1']);
    await reader.cancel();
    expect(seen.end).toEqual({ rows: 10, aborted: true });
    expect(seen.hookDone).toBe(true);
    expect(read).toBeLessThan(3);
  });

  it('says aborted, not failed, when the client leaves while a page is being read', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    let after = false;
    const res = await csvResponse('x.csv', ['n'], (async function* () {
      yield rowsOf(10);
      await slow; // the next page's query
      yield rowsOf(10, 10);
      after = true;
      yield rowsOf(10, 20);
    })());
    const seen = watch(res);
    const reader = res.body!.getReader();
    await reader.read();
    const pending = reader.read(); // asks for the next page: it is being read
    await new Promise((r) => setTimeout(r, 10));
    const cancelled = reader.cancel();
    release();
    await cancelled;
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(seen.end).toEqual({ rows: 10, aborted: true });
    expect(after).toBe(false);
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
