// A writer cut off from NATS while its insert is on its way to the ClickHouse server: its
// lease expires, a standby takes over and receives the same messages again (never acked).
// Neither may store them twice (the duplicate check reads what is committed): the standby
// waits for an insert the server is running, and the cut-off writer resets its connections
// once its lease is unconfirmed, so an insert not yet at the server never completes. Real
// nats-server and ClickHouse server; TCP proxies cut the first writer off NATS and hold its
// insert.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../clickhouse/client';
import { sql, trustedSql } from '../clickhouse/sql';
import { resetEnvForTests } from '../env';
import { createRuntime, type Runtime } from '../runtime';
import { startNatsServer, type NatsServer } from '../testing/nats';
import { startTcpProxy, type TcpProxy } from '../testing/tcp-proxy';
import { startTestClickHouseServer, type TestClickHouseServer } from '../testing/test-clickhouse';
import { ingestEvents } from './pipeline';
import { dependencyChecks } from '../observability/dependencies';
import { invoiceIssued } from '../testing/events';

let server: TestClickHouseServer;
let nats: NatsServer;
let store: Store;
const open: Runtime[] = [];
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  server = await startTestClickHouseServer();
  nats = await startNatsServer();
  process.env.CASHTRACE_WRITER_LEASE_S = '3';
  resetEnvForTests();
  store = await createStore({ url: server.url });
});
afterAll(async () => {
  // a writer cut off cannot drain through NATS: it is not waited for
  await Promise.all(open.map((rt) => Promise.race([rt.shutdown().catch(() => undefined), new Promise((r) => setTimeout(r, 3_000))])));
  await store?.close();
  for (const p of proxies) {
    p.release();
    await p.close();
  }
  await nats?.stop();
  await server?.close();
  delete process.env.CASHTRACE_WRITER_LEASE_S;
  resetEnvForTests();
});

async function counts(prefix: string): Promise<{ rows: number; ids: number }> {
  const [r] = await store.query<{ rows: string; ids: string }>(sql`SELECT count() AS rows, uniqExact(event_id) AS ids FROM events WHERE startsWith(event_id, ${prefix})`);
  return { rows: Number(r.rows), ids: Number(r.ids) };
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const writerStatements = sql`SELECT query_id FROM system.processes WHERE startsWith(query_id, 'cashtrace-writer-') AND query LIKE '%events_in%'`;

/**
 * Writer A takes 3,000 events and inserts them through a proxy that lets `forward` bytes
 * through and holds the rest (`rechunk`: in pieces the server starts on); A is then cut off
 * NATS; a standby B starts; the held rest goes through 20 s after the cut (past the stream's
 * ack wait: the messages came again by then). Returns the log lines.
 */
async function scenario(prefix: string, hold: { forward: number; rechunk: boolean; atServer: boolean }): Promise<{ lines: string[]; a: Runtime }> {
  Object.assign(process.env, { CASHTRACE_NATS_PREFIX: prefix });
  resetEnvForTests();
  const natsProxy = await startTcpProxy({ host: '127.0.0.1', port: nats.port });
  const chProxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
  proxies.push(natsProxy, chProxy);
  const lines: string[] = [];
  const keep = (write: (...a: unknown[]) => void) => (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
    write(...args);
  };
  const { log, error } = console;
  console.log = keep(log);
  console.error = keep(error);
  try {
    const a = await createRuntime({ store: await createStore({ url: `http://127.0.0.1:${chProxy.port}`, migrate: false }), natsUrl: `nats://127.0.0.1:${natsProxy.port}`, worker: true });
    open.push(a);
    expect(a.writer).not.toBeNull();
    const publisher = await createRuntime({ store, natsUrl: nats.url, worker: false });
    open.push(publisher);
    chProxy.holdAfter(/query=INSERT(\+|%20)INTO(\+|%20)events_in/, hold.forward, { rechunk: hold.rechunk });
    const events = Array.from({ length: 3_000 }, (_, i) => ({ ...invoiceIssued(prefix, i, 50), amount: 100, payload: { memo: 'x'.repeat(600) } }));
    expect(await ingestEvents(publisher, events, { collector: 'test' })).toMatchObject({ accepted: 3_000, duplicates: 0 });
    await until('A has an insert on its way', async () => chProxy.holding && (!hold.atServer || (await store.query(writerStatements)).length > 0), 30_000);
    // the server lists it only once it has read the start of its body
    if (!hold.atServer) expect(await store.query(writerStatements)).toHaveLength(0);
    expect((await counts(prefix)).rows).toBe(0);
    natsProxy.cut();
    const released = new Promise<void>((r) =>
      setTimeout(() => {
        chProxy.release();
        r();
      }, 20_000),
    );
    const b = await createRuntime({ store, natsUrl: nats.url, worker: true, leaseWaitMs: 60_000 });
    open.push(b);
    expect(b.writer).not.toBeNull();
    await released;
    await until('every event stored', async () => (await counts(prefix)).ids === 3_000, 60_000);
    await until('no writer statement runs', async () => (await store.query(sql`SELECT 1 FROM system.processes WHERE startsWith(query_id, 'cashtrace-writer-')`)).length === 0, 30_000);
    await b.writer!.settled();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await counts(prefix)).toEqual({ rows: 3_000, ids: 3_000 });
    return { lines, a };
  } finally {
    console.log = log;
    console.error = error;
  }
}

const SLOW_VIEWS = Array.from({ length: 8 }, (_, i) => `tk_slow_${i + 1}`);

describe('a writer cut off NATS with an insert on its way', () => {
  it('the standby waits for an insert the server is still running; every event is stored once', async () => {
    // The server takes ~24 s over the insert (eight views that sleep 3 s per block, the most
    // sleepEachRow allows), longer than the stream's ack wait: the messages come again while
    // it runs. It has the whole body, and a reset of the connection does not stop it.
    await store.command(sql`CREATE TABLE tk_sink (n UInt8) ENGINE = Null`);
    for (const v of SLOW_VIEWS) {
      await store.command(trustedSql(`CREATE MATERIALIZED VIEW ${v} TO tk_sink AS SELECT sleepEachRow(0.001) AS n FROM events_in WHERE startsWith(event_id, 'tk1-')`));
    }
    try {
      const { lines } = await scenario('tk1', { forward: Infinity, rechunk: false, atServer: true });
      expect(lines.some((l) => /waiting for 1 statement\(s\) of the previous writer to end before writing \(cashtrace-writer-/.test(l))).toBe(true);
      expect(lines.some((l) => /the previous writer's 1 statement\(s\) ended after [\d.]+ s: writing/.test(l))).toBe(true);
    } finally {
      for (const v of SLOW_VIEWS) await store.command(trustedSql(`DROP VIEW IF EXISTS ${v}`));
      await store.command(sql`DROP TABLE IF EXISTS tk_sink`);
    }
  }, 120_000);

  it("an insert not yet at the server is reset with the writer's connections when its lease is unconfirmed; every event is stored once", async () => {
    // 100 KB of a body sent as one chunk: the server has not started on it
    const { lines, a } = await scenario('tk2', { forward: 100_000, rechunk: false, atServer: false });
    expect(lines.some((l) => /lease was last confirmed [\d.]+ s ago .*; reset the writer's [1-9]\d* connection\(s\) to ClickHouse/.test(l))).toBe(true);
    // the cut-off writer says so in its health (and the integrations page's tile)
    const { ingest_writer } = await dependencyChecks(a, server.url);
    expect(ingest_writer).toEqual({ ok: false, detail: expect.stringMatching(/^holding its writes: the ingest writer's lease was last confirmed [\d.]+ s ago \(NATS unreachable\?\)/) });
  }, 120_000);
});
