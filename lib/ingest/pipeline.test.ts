// The same suite against both bus variants: in-process (embedded) and NATS JetStream.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { openTempStore, truncateAll } from '../testing/temp-store';
import { startNatsServer, type NatsServer } from '../testing/nats';
import { createRuntime, type Runtime } from '../runtime';
import { ingestBody, ingestEvents } from './pipeline';
import { parseEventList } from '../http/body';
import { metrics } from '../observability/metrics';
import { RECEIVED_AT_HEADER, type NatsBus } from '../bus/nats';

let store: Store;
let nats: NatsServer;

beforeAll(async () => {
  ({ store } = await openTempStore());
  nats = await startNatsServer();
});
afterAll(async () => {
  await store.close();
  await nats.stop();
});

let prefixN = 0;

async function count(q = sql`SELECT count() AS c FROM events`): Promise<number> {
  const rows = await store.query<{ c: string | number }>(q);
  return Number(rows[0].c);
}

async function eventually(fn: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A runtime on emptied tables, with a stream prefix of its own. */
async function freshRuntime(mode: 'embedded' | 'nats'): Promise<Runtime> {
  await truncateAll(store);
  prefixN += 1;
  process.env.CASHTRACE_NATS_PREFIX = `t${prefixN}`;
  const { resetEnvForTests } = await import('../env');
  resetEnvForTests();
  return createRuntime({ store, natsUrl: mode === 'nats' ? nats.url : null, worker: true });
}

function raw(id: string, extra: Record<string, unknown> = {}) {
  return { event_id: id, source: 'erp', type: 'invoice.issued', occurred_at: '2026-05-04T10:00:00Z', entity_type: 'invoice', entity_id: `INV-${id}`, refs: ['crm:opportunity:OPP-1'], amount: 100, currency: 'EUR', ...extra };
}

describe.each(['embedded', 'nats'] as const)('ingest pipeline (%s bus)', (mode) => {
  let rt: Runtime;

  beforeEach(async () => {
    if (rt) await rt.shutdown();
    rt = await freshRuntime(mode);
  });
  afterAll(async () => {
    await rt.shutdown();
  });

  it('accepts valid events, reports duplicates and rejects invalid ones by index', async () => {
    const r = await ingestEvents(rt, [raw('a'), raw('b'), raw('a'), { ...raw('c'), type: 'invoice.exploded' }, { ...raw('d'), amount: 'ten' }], { collector: 'test' });
    expect(r.accepted).toBe(2);
    expect(r.duplicates).toBe(1);
    expect(r.rejected.map((x) => x.index)).toEqual([3, 4]);
    expect(r.rejected[0].errors.join(' ')).toMatch(/type/);
    expect(r.rejected[1].errors.join(' ')).toMatch(/amount/);
    await eventually(async () => (await count()) === 2);
    expect(await count(sql`SELECT count() AS c FROM dead_letters`)).toBe(2);
    const again = await ingestEvents(rt, [raw('a'), raw('b')], { collector: 'test' });
    expect(again).toMatchObject({ accepted: 0, duplicates: 2 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(2);
  });

  it('stitches a deal whose events arrive in reverse order', async () => {
    const events = [
      { event_id: 'p1', source: 'payments', type: 'payment.received', occurred_at: '2026-05-20T10:00:00Z', entity_type: 'payment', entity_id: 'PAY-1', refs: ['erp:invoice:INV-7'], amount: 10, currency: 'EUR' },
      { event_id: 'i1', source: 'erp', type: 'invoice.issued', occurred_at: '2026-05-10T10:00:00Z', entity_type: 'invoice', entity_id: 'INV-7', refs: ['erp:sales_order:SO-7'], amount: 10, currency: 'EUR' },
      { event_id: 's1', source: 'erp', type: 'order.created', occurred_at: '2026-05-02T10:00:00Z', entity_type: 'sales_order', entity_id: 'SO-7', refs: ['crm:opportunity:OPP-7'] },
      { event_id: 'o1', source: 'crm', type: 'opportunity.won', occurred_at: '2026-05-01T10:00:00Z', entity_type: 'opportunity', entity_id: 'OPP-7', amount: 10, currency: 'EUR' },
    ];
    for (const e of events) await ingestEvents(rt, [e], { collector: 'test' });
    await eventually(async () => (await count(sql`SELECT count() AS c FROM events WHERE correlation_id = 'crm:opportunity:OPP-7'`)) === 4);
    // Stale orphan copies are deleted behind the batches that moved them.
    await rt.writer!.settled();
    expect(await count(sql`SELECT count() AS c FROM events WHERE correlation_id = ''`)).toBe(0);
    expect(await count()).toBe(4);
  });

  it('keeps concurrent requests apart while they share inserts', async () => {
    const batches = Array.from({ length: 20 }, (_, b) => Array.from({ length: 50 }, (_, i) => raw(`c${b}-${i}`)));
    const results = await Promise.all(batches.map((b) => ingestEvents(rt, b, { collector: 'test' })));
    expect(results.every((r) => r.accepted === 50 && r.duplicates === 0)).toBe(true);
    await eventually(async () => (await count()) === 1000);
  });

  it('answers an event two concurrent requests hold as accepted by one and a duplicate to the other', async () => {
    const rounds = await Promise.all(
      Array.from({ length: 10 }, (_, n) => Promise.all([ingestEvents(rt, [raw(`o${n}-a`), raw(`o${n}-b`)], { collector: 'test' }), ingestEvents(rt, [raw(`o${n}-b`), raw(`o${n}-c`)], { collector: 'test' })])),
    );
    for (const [x, y] of rounds) {
      expect(x.accepted + y.accepted).toBe(3);
      expect(x.duplicates + y.duplicates).toBe(1);
    }
    await eventually(async () => (await count()) === 30);
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(30);
  });
});

describe('ingest pipeline with NATS', () => {
  let rt: Runtime;
  beforeEach(async () => {
    rt = await freshRuntime('nats');
  });
  afterEach(async () => {
    await rt.shutdown();
  });

  it('looks a request\'s events up once (the pre-check hands its answer to the writer), and a message decoded from JetStream again', async () => {
    // Each ID is asked about once: looked up, or spared by the dedup filter (never seen: new).
    const m = metrics();
    const asked = () => ({
      precheck: { looked: m.idLookups.get({ by: 'precheck' }), filtered: m.idsFiltered.get({ by: 'precheck' }) },
      write: { looked: m.idLookups.get({ by: 'write' }), filtered: m.idsFiltered.get({ by: 'write' }) },
    });
    await rt.writer!.idsLoaded;
    const before = asked();
    expect(await ingestEvents(rt, [raw('h1'), raw('h2'), raw('h1')], { collector: 'test' })).toMatchObject({ accepted: 2, duplicates: 1 });
    await eventually(async () => (await count()) === 2);
    // Embedded, this process is the only writer: the filter spares IDs it has never seen. A
    // server may have other writers: every ID is looked up (pipeline.server.test.ts).
    const spared = store.kind === 'embedded' ? 2 : 0;
    const precheck = { looked: before.precheck.looked + 2 - spared, filtered: before.precheck.filtered + spared };
    expect(asked()).toEqual({ precheck, write: before.write });
    // A message this process did not hand over (as after a restart: redelivered, decoded):
    // h1 was stored, so it is looked up; h3 never seen.
    const bus = rt.bus as NatsBus;
    await bus.js.publish(bus.names.ingestBatch, JSON.stringify([raw('h1'), raw('h3')]), { msgID: 'redelivered-1' });
    await eventually(async () => (await count()) === 3);
    const after = asked();
    expect(after.precheck).toEqual(precheck);
    expect(after.write.looked + after.write.filtered).toBe(before.write.looked + before.write.filtered + 2);
    expect(after.write.looked).toBeGreaterThanOrEqual(before.write.looked + 1);
    expect(await count(sql`SELECT count() AS c FROM events WHERE event_id = 'h1'`)).toBe(1);
  });

  it('answers an event sent again while its first copy is on its way to ClickHouse as a duplicate; it is stored once', async () => {
    // This process publishes on a stream of its own whose writer runs elsewhere and has not
    // started yet: the events wait in the stream.
    prefixN += 1;
    process.env.CASHTRACE_NATS_PREFIX = `t${prefixN}`;
    (await import('../env')).resetEnvForTests();
    const publisher = await createRuntime({ store, natsUrl: nats.url, worker: false });
    let writer: Runtime | null = null;
    try {
      expect(await ingestEvents(publisher, [raw('w1'), raw('w2'), raw('w3')], { collector: 'test' })).toMatchObject({ accepted: 3, duplicates: 0 });
      expect(await count()).toBe(0);
      // the same event alone (a different bus message), then with a new one
      expect(await ingestEvents(publisher, [raw('w2')], { collector: 'test' })).toMatchObject({ accepted: 0, duplicates: 1 });
      expect(await ingestEvents(publisher, [raw('w3'), raw('w4')], { collector: 'test' })).toMatchObject({ accepted: 1, duplicates: 1 });
      // Another process that did not publish it sees only what is stored: accepted (and stored once).
      const other = await createRuntime({ store, natsUrl: nats.url, worker: false });
      try {
        expect(await ingestEvents(other, [raw('w1')], { collector: 'test' })).toMatchObject({ accepted: 1, duplicates: 0 });
      } finally {
        await other.shutdown();
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(await count()).toBe(0);
      // The writer starts: it stores each event once.
      writer = await createRuntime({ store, natsUrl: nats.url, worker: true });
      await eventually(async () => (await count()) === 4);
      await new Promise((r) => setTimeout(r, 300));
      expect(await count(sql`SELECT count() AS c FROM events WHERE event_id IN ('w1', 'w2', 'w3', 'w4')`)).toBe(4);
      expect(await ingestEvents(publisher, [raw('w1')], { collector: 'test' })).toMatchObject({ accepted: 0, duplicates: 1 });
    } finally {
      await publisher.shutdown();
      await writer?.shutdown();
    }
  });

  it('forgets the events its own writer has stored (they are answered from the store then)', async () => {
    const bus = rt.bus as NatsBus;
    expect(await ingestEvents(rt, [raw('f1'), raw('f2')], { collector: 'test' })).toMatchObject({ accepted: 2 });
    await eventually(async () => (await count()) === 2);
    await eventually(async () => bus.heldInStream(['f1', 'f2']).size === 0, 5_000);
    expect(await ingestEvents(rt, [raw('f2')], { collector: 'test' })).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('publishes NDJSON lines as they came: decoded again (a redelivery), they store the same rows', async () => {
    // Not the JSON of the validated events: an epoch timestamp, spacing, an unknown field,
    // CRLF and tab (JSON white space: published as the line's bytes), a no-break space
    // (trimmed as text, not JSON white space: published as the trimmed string), non-ASCII,
    // and the body in two chunks split inside a line (the joined line's bytes).
    const body = [
      `${JSON.stringify(raw('n1', { occurred_at: 1778000000000 }))}\r`,
      `  { "extra": true, ${JSON.stringify(raw('n2')).slice(1)}`,
      `\u00a0${JSON.stringify(raw('n3', { attributes: { customer: 'Société — 株式会社' } }))}`,
      `\t${JSON.stringify(raw('n4'))} \r`,
    ].join('\n');
    const bytes = Buffer.from(body);
    const cut = bytes.indexOf('Soci');
    expect(await ingestBody(rt, [bytes.subarray(0, cut), bytes.subarray(cut)], { collector: 'test', contentType: 'application/x-ndjson' })).toMatchObject({ accepted: 4 });
    await eventually(async () => (await count()) === 4);
    const bus = rt.bus as NatsBus;
    const stored = await bus.jsm.streams.getMessage(bus.names.streamIngest, { last_by_subj: bus.names.ingestBatch });
    expect(new TextDecoder().decode(stored!.data)).toBe(`[${parseEventList(Buffer.from(body), 'application/x-ndjson').lines!.join(',')}]`);
    // The time it was received travels with the message, so a redelivery stamps the same.
    const receivedAt = stored!.header.get(RECEIVED_AT_HEADER);
    expect(receivedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const rows = sql`SELECT event_id, correlation_id, occurred_at, received_at, entity_key, refs, amount, currency, attributes, payload FROM events ORDER BY event_id`;
    const handedOver = await store.query<{ received_at: string }>(rows);
    expect(new Date(`${handedOver[0].received_at}Z`).toISOString()).toBe(receivedAt);
    await rt.writer!.settled();
    await truncateAll(store);
    await new Promise((r) => setTimeout(r, 10)); // a later "now" than the stamp
    await bus.js.publish(bus.names.ingestBatch, stored!.data, { msgID: 'redelivered-2', headers: stored!.header });
    await eventually(async () => (await count()) === 4);
    expect(await store.query(rows)).toEqual(handedOver);
  });
});

