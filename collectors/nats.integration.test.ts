// The collectors against a real nats-server (JetStream): in-house services publish
// canonical events straight onto `<prefix>.ingest.<anything>`; the standalone collector
// process (no writer of its own) publishes what it accepts and the ingest worker stores it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type http from 'node:http';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { resetEnvForTests } from '@/lib/env';
import { sql } from '@/lib/clickhouse/sql';
import type { Store } from '@/lib/clickhouse/client';
import { createRuntime, type Runtime } from '@/lib/runtime';
import { openTempStore } from '@/lib/testing/temp-store';
import { startNatsServer, type NatsServer } from '@/lib/testing/nats';
import { ev } from '@/lib/testing/events';
import { collectorRoutes, COLLECTORS } from './registry';
import { createCollectorServer, listen } from './server';

const PREFIX = 'ctcoll';
Object.assign(process.env, { CASHTRACE_NATS_PREFIX: PREFIX, CASHTRACE_INGEST_TOKEN: 'ct_ingest_nats_test_token_01234', CASHTRACE_STRIPE_SECRET: 'whsec_nats', CASHTRACE_BATCH_MAX_WAIT_MS: '10' });
resetEnvForTests();

let store: Store;
let nats: NatsServer;
let writer: Runtime;
let collectors: Runtime;
let nc: NatsConnection;
let server: http.Server;
let base = '';

beforeAll(async () => {
  ({ store } = await openTempStore());
  nats = await startNatsServer();
  writer = await createRuntime({ store, natsUrl: nats.url, worker: true });
  collectors = await createRuntime({ store, natsUrl: nats.url, worker: false });
  server = createCollectorServer(collectorRoutes(async () => collectors));
  base = `http://127.0.0.1:${await listen(server, 0)}`;
  nc = await connect({ servers: nats.url });
});
afterAll(async () => {
  server?.close();
  await nc?.close();
  await collectors?.shutdown();
  await writer?.shutdown();
  await store?.close();
  await nats?.stop();
});

const count = async (q: ReturnType<typeof sql>) => Number((await store.query<{ c: string }>(q))[0].c);
async function eventually(fn: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('NATS ingest', () => {
  it('stores canonical events published straight onto the ingest subject; invalid ones are dead-lettered', async () => {
    const js = jetstream(nc);
    const good = [
      { event_id: 'nats-inhouse-1', source: 'psa', type: 'time.approved', occurred_at: '2026-03-06T17:00:00Z', entity_type: 'timesheet', entity_id: 'TS-N1', refs: ['psa:project:PRJ-N1'], amount: 1800, currency: 'EUR', period_end: '2026-03-06T00:00:00Z' },
      { event_id: 'nats-inhouse-2', source: 'psa', type: 'expense.approved', occurred_at: '2026-03-06T17:05:00Z', entity_type: 'expense', entity_id: 'EX-N1', refs: ['psa:project:PRJ-N1'], amount: 120, currency: 'EUR' },
    ];
    await js.publish(`${PREFIX}.ingest.timesheets.eu`, JSON.stringify(good));
    await js.publish(`${PREFIX}.ingest.expenses`, JSON.stringify({ event_id: 'nats-bad-1', source: 'nowhere', type: 'time.approved' }));
    await eventually(async () => (await count(sql`SELECT count() AS c FROM events WHERE event_id IN ${['nats-inhouse-1', 'nats-inhouse-2']}`)) === 2);
    await eventually(async () => (await count(sql`SELECT count() AS c FROM dead_letters WHERE collector = ${`nats:${PREFIX}.ingest.expenses`}`)) === 1);
    // Published again (an at-least-once producer): still stored once.
    await js.publish(`${PREFIX}.ingest.timesheets.eu`, JSON.stringify(good));
    await new Promise((r) => setTimeout(r, 300));
    expect(await count(sql`SELECT count() AS c FROM events WHERE event_id IN ${['nats-inhouse-1', 'nats-inhouse-2']}`)).toBe(2);
  });

  it('the collector process publishes accepted native deliveries onto NATS for the ingest worker', async () => {
    expect(collectors.batcher).toBeNull();
    const e = ev({ source: 'payments', type: 'payment.received', entity_type: 'payment', entity_id: 'pi_nats_1', refs: ['erp:invoice:INV-N1'], amount: 77.5, currency: 'EUR' });
    const [req] = COLLECTORS.stripe.sender([e], { secret: 'whsec_nats' });
    const res = await fetch(base + req.path, { method: 'POST', headers: req.headers, body: req.body as string });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 1 });
    await eventually(async () => (await count(sql`SELECT count() AS c FROM events WHERE event_id = ${e.event_id}`)) === 1);
    const again = await fetch(base + req.path, { method: 'POST', headers: req.headers, body: req.body as string });
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
  });
});
