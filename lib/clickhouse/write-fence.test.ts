// The writer's fence on a ClickHouse server (lib/testing/clickhouse-server): its statements
// check the lease first and carry the writer's query_id; a writer taking over waits for
// another writer's statements still running.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from './client';
import { sql } from './sql';
import { startTestClickHouseServer, type TestClickHouseServer } from '../testing/test-clickhouse';
import { fencedStore, waitForOtherWriters } from './write-fence';
import { metrics } from '../observability/metrics';

let server: TestClickHouseServer;
let store: Store;
beforeAll(async () => {
  server = await startTestClickHouseServer();
  store = await createStore({ url: server.url, migrate: false });
  await store.command(sql`CREATE TABLE fence_t (x UInt64) ENGINE = MergeTree ORDER BY x`);
});
afterAll(async () => {
  await store?.close();
  await server?.close();
});

const count = async () => Number((await store.query<{ c: string }>(sql`SELECT count() AS c FROM fence_t`))[0].c);
/** An insert that runs ~3 s on the server (6 blocks of one row, 0.5 s each). */
const slowInsert = sql`INSERT INTO fence_t SELECT number FROM numbers(6) WHERE sleepEachRow(0.5) = 0 SETTINGS max_block_size = 1`;

describe('write fence', () => {
  it("waits, before writing, for another writer's statement still running on the server", async () => {
    const other = fencedStore(store, { id: 'writer-a', check: () => undefined });
    const running = other.command(slowInsert);
    await new Promise((r) => setTimeout(r, 500));
    const lines: string[] = [];
    const started = Date.now();
    // this writer's own statements are not waited for
    const mine = fencedStore(store, { id: 'writer-b', check: () => undefined });
    const own = mine.command(slowInsert);
    expect(await waitForOtherWriters(store, 'writer-b', { log: (l) => lines.push(l), pollMs: 50 })).toBe(1);
    // it ended: its rows are there
    expect(await count()).toBeGreaterThanOrEqual(6);
    expect(Date.now() - started).toBeGreaterThan(1_500);
    expect(lines[0]).toMatch(/^waiting for 1 statement\(s\) of the previous writer to end before writing \(cashtrace-writer-writer-a-1, [\d.]+ s\)/);
    expect(lines.at(-1)).toMatch(/^the previous writer's 1 statement\(s\) ended after [\d.]+ s: writing$/);
    await running;
    await own;
    expect(await count()).toBe(12);
    // none running: at once
    expect(await waitForOtherWriters(store, 'writer-b')).toBe(0);
  });

  it('names statements on its forks apart (a server refuses a query_id already running)', async () => {
    const base = fencedStore(store, { id: 'writer-f', check: () => undefined });
    const stores = [base, await base.fork(), await base.fork()];
    // three slow inserts at once, one on each: each runs under its own query_id
    await Promise.all(stores.map((s) => s.command(slowInsert)));
    const more = await base.fork();
    await expect(more.insertJsonEachRow('fence_t', '{"x":7}\n')).resolves.toBeUndefined();
  });

  it('runs nothing once the fence says this process may no longer write', async () => {
    const before = await count();
    const fenced = fencedStore(store, {
      id: 'writer-c',
      check: () => {
        throw new Error('lease unconfirmed');
      },
    });
    const refused = metrics().fenceRefusals.get();
    await expect(fenced.command(sql`INSERT INTO fence_t VALUES (1)`)).rejects.toThrow('lease unconfirmed');
    await expect(fenced.insertJsonEachRow('fence_t', '{"x":2}\n')).rejects.toThrow('lease unconfirmed');
    await expect((await fenced.fork()).insertJsonEachRow('fence_t', '{"x":2}\n')).rejects.toThrow('lease unconfirmed');
    expect(metrics().fenceRefusals.get()).toBe(refused + 3);
    // reads pass
    expect(await fenced.query(sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    expect(await count()).toBe(before);
  });

  it('gives up waiting after its time, saying so', async () => {
    const other = fencedStore(store, { id: 'writer-d', check: () => undefined });
    const running = other.command(slowInsert);
    await new Promise((r) => setTimeout(r, 500));
    const lines: string[] = [];
    expect(await waitForOtherWriters(store, 'writer-e', { timeoutMs: 300, pollMs: 50, log: (l) => lines.push(l) })).toBe(1);
    expect(lines.at(-1)).toMatch(/^WARNING: the previous writer's statements still run after 0 s \(cashtrace-writer-writer-d-1\): writing anyway/);
    await running;
  });
});
