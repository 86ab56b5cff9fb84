// Store.insertJsonEachRow: per-insert settings reach the engine (the bench's raw limit
// inserts with one thread per insert). Store.query: a query does not wait behind a statement
// running on the store's first connection (embedded: it opens another, up to
// CASHTRACE_QUERY_CONNECTIONS).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createStore, type Store } from './client';
import { sql } from './sql';
import { openTempStore } from '../testing/temp-store';
import { testStoreIsServer } from '../testing/test-clickhouse';

let store: Store;
let dir: string;
beforeAll(async () => {
  ({ store, dir } = await openTempStore());
  await store.command(sql`CREATE TABLE scratch (a String, n UInt32) ENGINE = MergeTree ORDER BY a`);
});
afterAll(async () => store?.close());

describe('close', () => {
  it('says the store is closed once close() was called (timers that read it stop)', async () => {
    const s = await store.fork({ ownSockets: true });
    expect(s.isClosed?.()).toBe(false);
    await s.close();
    expect(s.isClosed?.()).toBe(true);
    expect(store.isClosed?.()).toBe(false);
  });
});

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

// Embedded only: a server store is one HTTP client (client.server.test.ts runs the rest).
describe.skipIf(testStoreIsServer())('query connections (embedded)', () => {
  /**
   * How long before a 3 s statement a query sent once it runs finishes (ms; negative: after).
   * Not their order: with one connection the query waits for the statement, but the two
   * finish within microseconds and their callbacks may reach JavaScript either way round
   * (once under CI load: "query 1" before "statement").
   */
  async function finishGap(queryConnections: number): Promise<number> {
    // another store on the same directory (one data directory per process), as fork() opens
    const s = await createStore({ dataDir: dir, migrate: false, queryConnections });
    try {
      let statementAt = 0;
      let queryAt = 0;
      const slow = s.command(sql`SELECT sleep(3) AS finish_order_statement`).then(() => (statementAt = performance.now()));
      // The query is sent once the statement runs (seen from the file's own store): a fixed
      // 100 ms wait was not always enough on a loaded machine (the query went first).
      const running = z.object({ c: z.coerce.number() });
      for (let tries = 0; ; tries++) {
        const [r] = await store.query(sql`SELECT count() AS c FROM system.processes WHERE query LIKE '%AS finish_order_statement%' AND query NOT LIKE '%system.processes%'`, running);
        if (r.c > 0) break;
        if (tries > 500) throw new Error('the statement never started');
        await new Promise((r) => setTimeout(r, 10));
      }
      const quick = s.query(sql`SELECT 1 AS x`, z.object({ x: z.coerce.number() })).then(() => (queryAt = performance.now()));
      await Promise.all([slow, quick]);
      return statementAt - queryAt;
    } finally {
      await s.close();
    }
  }

  it('answers a query on another connection while a statement runs on the first', async () => {
    // seconds before the statement (it was sent within its first moments)
    expect(await finishGap(2)).toBeGreaterThan(1000);
  });

  it('with one connection the query waits for the statement', async () => {
    // not before the statement ends, give or take the callbacks' order (with two connections: seconds before)
    expect(await finishGap(1)).toBeLessThan(250);
  });
});
