// Store.insertJsonEachRow: per-insert settings reach the engine (the bench's raw limit
// inserts with one thread per insert).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Store } from './client';
import { sql } from './sql';
import { openTempStore } from '../testing/temp-store';

let store: Store;
beforeAll(async () => {
  store = (await openTempStore()).store;
  await store.command(sql`CREATE TABLE scratch (a String, n UInt32) ENGINE = MergeTree ORDER BY a`);
});
afterAll(async () => store?.close());

describe('insertJsonEachRow settings', () => {
  it('inserts with the given settings, and the engine refuses one it does not know (so they are passed, not dropped)', async () => {
    await store.insertJsonEachRow('scratch', '{"a":"x","n":1}\n{"a":"y","n":2}\n', { max_threads: 1, input_format_parallel_parsing: 0 });
    await store.insertJsonEachRow('scratch', Buffer.from('{"a":"z","n":3}\n'));
    const rows = await store.query(sql`SELECT a, n FROM scratch ORDER BY a`, z.object({ a: z.string(), n: z.coerce.number() }));
    expect(rows).toEqual([
      { a: 'x', n: 1 },
      { a: 'y', n: 2 },
      { a: 'z', n: 3 },
    ]);
    await expect(store.insertJsonEachRow('scratch', '{"a":"w","n":4}\n', { no_such_setting_here: 1 })).rejects.toThrow(/no_such_setting_here/);
    const after = await store.query(sql`SELECT count() AS c FROM scratch`, z.object({ c: z.coerce.number() }));
    expect(after[0].c).toBe(3);
  });
});
