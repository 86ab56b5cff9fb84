// POST /api/ingest/events over real HTTP against a real chDB: each kind of bad input gets
// its status and a clear error, rejected input is dead-lettered verbatim, and nothing
// already accepted is lost or counted twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { sql } from '@/lib/clickhouse/sql';
import type { Store } from '@/lib/clickhouse/client';
import { startCollectorTestServer, type CollectorTestServer } from '@/collectors/shared/test-server';

const TOKEN = 'ct_ingest_route_test_token_0123456789';
const LIMIT = 64 * 1024;
Object.assign(process.env, { CASHTRACE_INGEST_TOKEN: TOKEN, CASHTRACE_MAX_BODY_BYTES: String(LIMIT), CASHTRACE_BATCH_MAX_WAIT_MS: '10' });
resetEnvForTests();

let t: CollectorTestServer;
let store: Store;
beforeAll(async () => {
  t = await startCollectorTestServer({ '/api/ingest/events': async () => (await import('./route')).POST });
  store = t.store;
});
afterAll(async () => {
  await t?.close();
});

const NDJSON = 'application/x-ndjson';
const post = (body: BodyInit, contentType = 'application/json', token: string | null = TOKEN, init: RequestInit = {}) =>
  fetch(`${t.base}/api/ingest/events`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
    ...init,
  });
const count = async (q: ReturnType<typeof sql>) => Number((await store.query<{ c: string }>(q))[0].c);
const stored = () => count(sql`SELECT count() AS c FROM events`);

function ev(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { event_id: id, source: 'erp', type: 'invoice.issued', occurred_at: '2026-05-04T10:00:00Z', entity_type: 'invoice', entity_id: `INV-${id}`, refs: ['crm:opportunity:OPP-R1'], amount: 100, currency: 'EUR', ...extra };
}

/** JSON as a person might write it (not as JSON.stringify would): dead letters keep it as it came. */
const spaced = (o: unknown) => JSON.stringify(o).replace(/":/g, '": ');

describe('POST /api/ingest/events', () => {
  it('answers 401 without a valid token, 415 for another media type, 413 over the limit; stores nothing', async () => {
    const body = JSON.stringify([ev('r-auth')]);
    for (const token of [null, 'wrong-token-0000000000000000']) {
      const r = await post(body, 'application/json', token);
      expect(r.status).toBe(401);
      expect((await r.json()).error.code).toBe('unauthorized');
    }
    const text = await post(body, 'text/plain');
    expect(text.status).toBe(415);
    expect((await text.json()).error.message).toMatch(/application\/x-ndjson/);
    const big = `${JSON.stringify(ev('r-big'))}\n`.repeat(Math.ceil((LIMIT * 1.5) / 250));
    const declared = await post(big, NDJSON);
    expect(declared.status).toBe(413);
    expect((await declared.json()).error).toMatchObject({ code: 'payload_too_large' });
    // Streamed without a length: cut off while reading.
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < big.length; i += 4096) c.enqueue(new TextEncoder().encode(big.slice(i, i + 4096)));
        c.close();
      },
    });
    expect((await post(stream, NDJSON, TOKEN, { duplex: 'half' } as RequestInit)).status).toBe(413);
    expect(await stored()).toBe(0);
  });

  it('answers 400 for a body that is not JSON and keeps it, raw, as a dead letter', async () => {
    const raw = '[{"event_id": "r-broken", ';
    const r = await post(raw);
    expect(r.status).toBe(400);
    expect((await r.json()).error.message).toMatch(/^malformed JSON/);
    const letters = await store.query<{ reason: string; raw: string }>(sql`SELECT reason, raw FROM dead_letters WHERE raw = ${raw}`);
    expect(letters).toEqual([{ reason: 'malformed', raw }]);
    expect((await post('', NDJSON)).status).toBe(400);
  });

  it('answers 400 for an item nested deeper than JSON can be written back, beside a valid one it accepts (was a 500: a stack overflow)', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const r = await post(`[${JSON.stringify(ev('r-beside-deep'))}, ${deep}]`);
    expect(r.status).toBe(202);
    const answer = (await r.json()) as { accepted: number; rejected: { index: number; errors: string[] }[] };
    expect(answer).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] });
    const letters = await store.query<{ raw: string }>(sql`SELECT raw FROM dead_letters WHERE raw LIKE '(this array could not be written back as JSON:%'`);
    expect(letters).toHaveLength(1);
    const alone = await post(deep);
    expect(alone.status).toBe(400);
  });

  it('takes the valid events of a mixed NDJSON body and rejects the rest by index, each kept verbatim', async () => {
    const hostile = `INV-'); DROP TABLE events;-- %_\\ <b> ₵`;
    const lines = [
      JSON.stringify(ev('r-ok-1')),
      '{"event_id": "r-torn",',
      spaced(ev('r-ten', { amount: 'ten' })),
      spaced(ev('r-type', { type: 'invoice.exploded' })),
      spaced(ev('r-ctl', { entity_id: 'INV-\u0007bell' })),
      JSON.stringify(ev('r-hostile', { entity_id: hostile })),
      JSON.stringify(ev('r-ok-1')),
    ];
    const r = await post(lines.join('\n'), NDJSON);
    expect(r.status).toBe(202);
    const answer = (await r.json()) as { accepted: number; duplicates: number; rejected: { index: number; errors: string[] }[] };
    expect(answer).toMatchObject({ accepted: 2, duplicates: 1 });
    expect(answer.rejected.map((x) => x.index)).toEqual([1, 2, 3, 4]);
    expect(answer.rejected[0].errors[0]).toMatch(/malformed JSON/);
    expect(answer.rejected[1].errors.join(' ')).toMatch(/amount/);
    expect(answer.rejected[2].errors.join(' ')).toMatch(/type/);
    expect(answer.rejected[3].errors.join(' ')).toMatch(/entity_id/);
    // Each rejected line as it came, with its reason.
    const letters = await store.query<{ reason: string; event_id: string; raw: string }>(
      sql`SELECT reason, event_id, raw FROM dead_letters WHERE raw IN ${lines.slice(1, 5)} ORDER BY raw`,
    );
    expect(letters.map((l) => l.raw).sort()).toEqual(lines.slice(1, 5).sort());
    expect(letters.find((l) => l.raw === lines[1])?.reason).toBe('malformed');
    expect(letters.find((l) => l.raw === lines[2])).toMatchObject({ reason: 'invalid_event', event_id: 'r-ten' });
    // The accepted ones are stored once, the hostile ID verbatim and findable by its key.
    const rows = await store.query<{ event_id: string; entity_id: string; entity_key: string }>(
      sql`SELECT event_id, entity_id, entity_key FROM events WHERE event_id IN ${['r-ok-1', 'r-hostile']} ORDER BY event_id`,
    );
    expect(rows).toEqual([
      { event_id: 'r-hostile', entity_id: hostile, entity_key: `erp:invoice:${hostile}` },
      { event_id: 'r-ok-1', entity_id: 'INV-r-ok-1', entity_key: 'erp:invoice:INV-r-ok-1' },
    ]);
  });

  it('answers 400 with each event\'s errors when none is valid, and loses nothing accepted before', async () => {
    const before = await stored();
    expect(before).toBeGreaterThan(0);
    const r = await post(JSON.stringify([ev('r-bad-1', { occurred_at: 'yesterday' }), ev('r-bad-2', { source: 42 })]));
    expect(r.status).toBe(400);
    const answer = (await r.json()) as { error: { details: { index: number }[] }; accepted: number };
    expect(answer.accepted).toBe(0);
    expect(answer.error.details.map((d) => d.index)).toEqual([0, 1]);
    // A repeat of accepted events is a duplicate, not a second copy.
    const again = await post([JSON.stringify(ev('r-ok-1')), JSON.stringify(ev('r-ok-2'))].join('\n'), NDJSON);
    expect(await again.json()).toMatchObject({ accepted: 1, duplicates: 1, rejected: [] });
    expect(await stored()).toBe(before + 1);
  });
});
