import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { openTempStore, truncateAll } from '../testing/temp-store';
import { IdFilter } from './id-filter';

const id = (i: number, p = 'evt') => `${p}-${i.toString(36)}-${((i * 2654435761) >>> 0).toString(16)}`;

async function loaded(): Promise<IdFilter> {
  const f = new IdFilter(1000);
  // an empty store: no IDs to add
  await f.load({ query: async (q: { build: () => { query: string } }) => (q.build().query.includes('count()') ? [{ n: '0' }] : []) } as unknown as Store);
  return f;
}

describe('IdFilter', () => {
  it('answers "maybe" for every ID until loaded', () => {
    const f = new IdFilter();
    expect(f.ready).toBe(false);
    expect(f.mightHave('never-added')).toBe(true);
    expect(f.toLookUp(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('never misses an added ID, and spares ~all others, across growing blocks', async () => {
    const f = await loaded();
    const n = 60_000; // from a 1000-ID first block: six doublings
    for (let i = 0; i < n; i++) f.add(id(i));
    expect(f.size).toBe(n);
    for (let i = 0; i < n; i++) if (!f.mightHave(id(i))) throw new Error(`added ID ${id(i)} missed`);
    let maybe = 0;
    const others = 100_000;
    for (let i = 0; i < others; i++) if (f.mightHave(id(i, 'other'))) maybe++;
    // 0.5% per block, seven blocks at most: well under 3.5%
    expect(maybe / others).toBeLessThan(0.035);
    // what must still be looked up: the added IDs (and a rare false positive)
    expect(f.toLookUp([id(1), id(1, 'other'), id(2)]).filter((x) => x !== id(1, 'other'))).toEqual([id(1), id(2)]);
  });

  it('tells apart IDs that differ in one character, case, or only beyond the BMP', async () => {
    const f = await loaded();
    const ids = ['evt-1', "x',(SELECT 1)--", 'Société—株式会社', '😀-a', ''];
    for (const x of ids) f.add(x);
    for (const x of ids) expect(f.mightHave(x)).toBe(true);
    expect(f.toLookUp(['evt-2', 'EVT-1', 'société—株式会社', '😀-b', 'evt-1 '])).toEqual([]);
  });
});

describe('IdFilter.load', () => {
  let store: Store;
  beforeAll(async () => {
    ({ store } = await openTempStore());
    await truncateAll(store);
  });
  afterAll(async () => {
    await store.close();
  });

  it('adds every stored ID page by page, keeps IDs added meanwhile, and sizes itself for the table', async () => {
    const stored = Array.from({ length: 5000 }, (_, i) => id(i, 'stored'));
    // two parts, with one ID in both (event_ids is a ReplacingMergeTree: until merged, twice)
    await store.command(sql`INSERT INTO event_ids (event_id, correlation_id) SELECT arrayJoin(${stored.slice(0, 3000)}), 'deal'`);
    await store.command(sql`INSERT INTO event_ids (event_id, correlation_id) SELECT arrayJoin(${stored.slice(2999)}), 'deal'`);
    const f = new IdFilter(100);
    f.add('added-before-load');
    const pages: number[] = [];
    await f.load(store, { pageSize: 777, progress: (n) => pages.push(n) });
    expect(f.ready).toBe(true);
    expect(pages.length).toBe(Math.ceil(5001 / 777));
    expect(pages.at(-1)).toBe(5001);
    expect(f.toLookUp([...stored, 'added-before-load'])).toEqual([...stored, 'added-before-load']);
    // sized for the table at once: the first block and one for 2 × 5001 IDs
    expect(f.bytes).toBeLessThan(64 * 1024);
    let maybe = 0;
    for (let i = 0; i < 20_000; i++) if (f.mightHave(id(i, 'new'))) maybe++;
    expect(maybe / 20_000).toBeLessThan(0.02);
  });
});
