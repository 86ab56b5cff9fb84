// A writer cut off from NATS while its insert is on its way to the ClickHouse server: its
// lease expires, a standby takes over and receives the same messages again (never acked).
// The standby must not store them before that insert has ended, or both would store them
// (the duplicate check reads what is committed). Real nats-server and ClickHouse server;
// TCP proxies cut the first writer off NATS and hold its insert at the server.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStore, type Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { resetEnvForTests } from '../env';
import { createRuntime, type Runtime } from '../runtime';
import { startNatsServer, type NatsServer } from '../testing/nats';
import { startTcpProxy, type TcpProxy } from '../testing/tcp-proxy';
import { startTestClickHouseServer, type TestClickHouseServer } from '../testing/test-clickhouse';
import { ingestEvents } from './pipeline';

let server: TestClickHouseServer;
let nats: NatsServer;
let natsProxy: TcpProxy;
let chProxy: TcpProxy;
let store: Store;
const open: Runtime[] = [];

beforeAll(async () => {
  server = await startTestClickHouseServer();
  nats = await startNatsServer();
  natsProxy = await startTcpProxy({ host: '127.0.0.1', port: nats.port });
  chProxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
  Object.assign(process.env, { CASHTRACE_NATS_PREFIX: 'takeover', CASHTRACE_WRITER_LEASE_S: '3' });
  resetEnvForTests();
  store = await createStore({ url: server.url });
});
afterAll(async () => {
  // the writer cut off cannot drain through NATS: it is not waited for
  await Promise.all(open.map((rt) => Promise.race([rt.shutdown().catch(() => undefined), new Promise((r) => setTimeout(r, 3_000))])));
  await store?.close();
  chProxy?.release();
  await natsProxy?.close();
  await chProxy?.close();
  await nats?.stop();
  await server?.close();
  delete process.env.CASHTRACE_WRITER_LEASE_S;
  resetEnvForTests();
});

async function counts(): Promise<{ rows: number; ids: number }> {
  const [r] = await store.query<{ rows: string; ids: string }>(sql`SELECT count() AS rows, uniqExact(event_id) AS ids FROM events`);
  return { rows: Number(r.rows), ids: Number(r.ids) };
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('a standby taking over waits for the insert the cut-off writer still has running; every event is stored once', async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
    log(...args);
  };
  try {
    // Writer A: NATS and ClickHouse through the proxies.
    const a = await createRuntime({ store: await createStore({ url: `http://127.0.0.1:${chProxy.port}`, migrate: false }), natsUrl: `nats://127.0.0.1:${natsProxy.port}`, worker: true });
    open.push(a);
    expect(a.writer).not.toBeNull();
    const publisher = await createRuntime({ store, natsUrl: nats.url, worker: false });
    open.push(publisher);
    // A's next insert of events: its first 300 KB reach the server (which then runs it), the rest is held.
    chProxy.holdAfter(/query=INSERT(\+|%20)INTO(\+|%20)events_in/, 300_000);
    const events = Array.from({ length: 3_000 }, (_, i) => ({
      event_id: `tk-${i}`,
      source: 'erp',
      type: 'invoice.issued',
      occurred_at: '2026-05-04T10:00:00Z',
      entity_type: 'invoice',
      entity_id: `INV-TK-${i}`,
      refs: [`crm:opportunity:OPP-TK-${i % 50}`],
      amount: 100,
      currency: 'EUR',
      payload: { memo: 'x'.repeat(600) },
    }));
    expect(await ingestEvents(publisher, events, { collector: 'test' })).toMatchObject({ accepted: 3_000, duplicates: 0 });
    await until('A has an insert running at the server', async () => {
      if (!chProxy.holding) return false;
      const running = await store.query(sql`SELECT query_id FROM system.processes WHERE startsWith(query_id, 'cashtrace-writer-') AND query LIKE '%events_in%'`);
      return running.length > 0;
    }, 30_000);
    expect((await counts()).rows).toBe(0);
    // A is cut off NATS: its lease expires 3 s after its last renewal, and the messages it took come again to whoever writes.
    natsProxy.cut();
    // Held past the stream's ack wait (15 s): by then the messages were delivered again, and
    // a standby that did not wait would have stored them already.
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
    await until('every event stored', async () => (await counts()).ids === 3_000, 60_000);
    // A's insert has ended, B has written what came again
    await until('no writer statement runs', async () => (await store.query(sql`SELECT 1 FROM system.processes WHERE startsWith(query_id, 'cashtrace-writer-')`)).length === 0, 30_000);
    await b.writer!.settled();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await counts()).toEqual({ rows: 3_000, ids: 3_000 });
    expect(lines.some((l) => /waiting for 1 statement\(s\) of the previous writer to end before writing \(cashtrace-writer-/.test(l))).toBe(true);
    expect(lines.some((l) => /the previous writer's 1 statement\(s\) ended after [\d.]+ s: writing/.test(l))).toBe(true);
  } finally {
    console.log = log;
  }
}, 120_000);
