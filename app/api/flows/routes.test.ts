// Route tests of the integrations API (/api/flows, /api/flows/failures, /api/dead-letters,
// /api/dead-letters/{id}, /api/orphans, /api/traces, /api/traces/{id}, /api/ingest-health):
// status codes, the one error shape and CSV, against the real runtime on a temp chDB store.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestRuntime, openTestRuntime, TEST_ADMIN_TOKEN as TOKEN } from '@/lib/testing/test-runtime';
import { ev } from '@/lib/testing/events';
import { spanLines, spanId, traceId } from '@/lib/testing/spans';
import type { Runtime } from '@/lib/runtime';
import { sql } from '@/lib/clickhouse/sql';

const DEAL = 'crm:opportunity:OPP-1';
let rt: Runtime;
let r: {
  flows: typeof import('./route');
  failures: typeof import('./failures/route');
  deadLetters: typeof import('../dead-letters/route');
  deadLetter: typeof import('../dead-letters/[id]/route');
  orphans: typeof import('../orphans/route');
  traces: typeof import('../traces/route');
  trace: typeof import('../traces/[traceId]/route');
  health: typeof import('../ingest-health/route');
};

beforeAll(async () => {
  rt = await openTestRuntime();
  const { ingestEvents } = await import('@/lib/ingest/pipeline');
  const flow = { flow_source: 'psa', flow_target: 'erp' };
  const sync = (type: 'sync.failed' | 'sync.succeeded', id: string, at: string, trace: number) =>
    ev({ source: 'middleware', type, entity_type: 'sync', entity_id: id, refs: ['psa:milestone:MS-1'], occurred_at: at, status: type === 'sync.failed' ? 'ERP_TIMEOUT' : '', trace_id: traceId(trace), attributes: { ...flow, attempt: id === 'R2' ? '2' : '1' } });
  const res = await ingestEvents(
    rt,
    [
      ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-1', occurred_at: '2026-03-02T08:00:00Z' }),
      ev({ source: 'psa', type: 'milestone.completed', entity_type: 'milestone', entity_id: 'MS-1', refs: [DEAL], occurred_at: '2026-03-02T09:00:00Z' }),
      sync('sync.failed', 'R1', '2026-03-02T10:00:00Z', 1),
      sync('sync.succeeded', 'R2', '2026-03-02T10:30:00Z', 2),
      ev({ source: 'payments', type: 'payment.received', entity_type: 'payment', entity_id: 'PAY-9', refs: ['erp:invoice:INV-9'], occurred_at: '2026-03-02T11:00:00Z' }),
      { event_id: 'bad-1', type: 'not.a.type' },
    ],
    { collector: 'test' },
  );
  expect(res).toMatchObject({ accepted: 5, rejected: [{ index: 5 }] });
  await rt.store.insertJsonEachRow(
    'spans',
    spanLines([
      { trace_id: traceId(1), span_id: spanId(1), start: '2026-03-02T10:00:00Z', duration_ms: 900, status_code: 'STATUS_CODE_ERROR', correlation_id: DEAL, ...flow },
      { trace_id: traceId(2), span_id: spanId(2), start: '2026-03-02T10:30:00Z', duration_ms: 300, correlation_id: DEAL, ...flow },
    ]),
  );
  await rt.writer!.settled(); // flow health reads the runs' snapshot, refreshed behind the writer
  r = {
    flows: await import('./route'),
    failures: await import('./failures/route'),
    deadLetters: await import('../dead-letters/route'),
    deadLetter: await import('../dead-letters/[id]/route'),
    orphans: await import('../orphans/route'),
    traces: await import('../traces/route'),
    trace: await import('../traces/[traceId]/route'),
    health: await import('../ingest-health/route'),
  };
});
afterAll(async () => {
  await closeTestRuntime(rt);
});

const get = (path: string) => new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
const withParams = <P>(p: P) => ({ params: Promise.resolve(p) });

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(await res.json()).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

describe('integrations API', () => {
  it('GET /api/flows returns flow health as JSON and CSV, and rejects bad params', async () => {
    const res = await r.flows.GET(get('/api/flows'));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.flows).toHaveLength(1);
    expect(body.flows[0]).toMatchObject({ flow_source: 'psa', flow_target: 'erp', runs: 2, failures: 1, error_rate: 0.5, retries: 1, latency_p50_ms: 600, ttr_p50_s: 1800 });
    const csv = await r.flows.GET(get('/api/flows?format=csv'));
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 5)).toEqual(['flow_source', 'flow_target', 'runs', 'failures', 'error_rate']);
    expect(lines[1].split(',').slice(0, 5)).toEqual(['psa', 'erp', '2', '1', '0.5']);
    await expectError(await r.flows.GET(get('/api/flows?bucket=week')), 400, 'bad_request');
    await expectError(await r.flows.GET(new Request('http://localhost/api/flows')), 401, 'unauthorized');
  });

  it('GET /api/flows/failures lists the failing runs of one flow with the deal', async () => {
    const res = await r.failures.GET(get('/api/flows/failures?flow_source=psa&flow_target=erp'));
    const body = await res.json();
    expect(body.items.map((i: { correlation_id: string; status: string; recovered_at: string }) => [i.correlation_id, i.status, i.recovered_at])).toEqual([
      [DEAL, 'ERP_TIMEOUT', '2026-03-02T10:30:00.000Z'],
    ]);
    await expectError(await r.failures.GET(get('/api/flows/failures?flow_source=psa')), 400, 'bad_request');
    await expectError(await r.failures.GET(get('/api/flows/failures?flow_source=psa&flow_target=erp&cursor=nope')), 400, 'bad_request');
  });

  it('GET /api/dead-letters lists the rejected input and /api/dead-letters/{id} gives the raw bytes', async () => {
    const body = await (await r.deadLetters.GET(get('/api/dead-letters'))).json();
    expect(body.total).toBe(1);
    expect(body.items[0]).toMatchObject({ collector: 'test', event_id: 'bad-1' });
    const one = await r.deadLetter.GET(get(`/api/dead-letters/${body.items[0].id}`), withParams({ id: body.items[0].id }));
    expect(one.status).toBe(200);
    expect(JSON.parse((await one.json()).raw)).toMatchObject({ event_id: 'bad-1', type: 'not.a.type' });
    const missing = '00000000-0000-4000-8000-000000000000';
    await expectError(await r.deadLetter.GET(get(`/api/dead-letters/${missing}`), withParams({ id: missing })), 404, 'not_found');
    const csv = await r.deadLetters.GET(get('/api/dead-letters?format=csv'));
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  });

  it('GET /api/orphans lists unstitched events with their age', async () => {
    const body = await (await r.orphans.GET(get('/api/orphans?now=2026-03-02T12:00:00Z'))).json();
    expect(body.items.map((o: { entity_key: string; waiting_for: string[] }) => [o.entity_key, o.waiting_for])).toEqual([['payments:payment:PAY-9', ['erp:invoice:INV-9']]]);
    expect(body.total).toBe(1);
    await expectError(await r.orphans.GET(get('/api/orphans?now=yesterday')), 400, 'bad_request');
  });

  it('GET /api/traces/{id} returns the waterfall, 404 when unknown, 400 when malformed; /api/traces lists a deal’s traces', async () => {
    const res = await r.trace.GET(get(`/api/traces/${traceId(1)}`), withParams({ traceId: traceId(1) }));
    expect(res.status).toBe(200);
    const t = await res.json();
    expect(t).toMatchObject({ trace_id: traceId(1), correlation_id: DEAL, error_spans: 1 });
    expect(t.events.map((e: { type: string }) => e.type)).toEqual(['sync.failed']);
    await expectError(await r.trace.GET(get(`/api/traces/${traceId(77)}`), withParams({ traceId: traceId(77) })), 404, 'not_found');
    await expectError(await r.trace.GET(get('/api/traces/xyz'), withParams({ traceId: 'xyz' })), 400, 'bad_request');
    const list = await (await r.traces.GET(get(`/api/traces?correlation_id=${encodeURIComponent(DEAL)}`))).json();
    expect(list.traces.map((x: { trace_id: string }) => x.trace_id)).toEqual([traceId(2), traceId(1)]);
  });

  it('GET /api/ingest-health combines ClickHouse figures with this process’s registry', async () => {
    const body = await (await r.health.GET(get('/api/ingest-health?minutes=5'))).json();
    // The pipeline stamped received_at with the wall clock: all 5 accepted events are in the window.
    expect(body).toMatchObject({ minutes: 5, events: 5, dead_letters: 1, dead_letter_rate: 1 / 6, orphans: 1, total_events: 5 });
    expect(body.process.ingest_worker).toBe(true);
    expect(body.process.rows_inserted).toBe(5);
    expect(body.process.batches).toBeGreaterThanOrEqual(1);
    expect(body.dependencies).toMatchObject({ clickhouse: { ok: true, detail: expect.stringMatching(/^(embedded chDB|ClickHouse server http:\/\/127\.0\.0\.1:\d+)$/) }, bus: { ok: true, kind: 'embedded' }, ingest_writer: { ok: true, detail: expect.stringMatching(/^in process; 0 rows queued/) } });
    await expectError(await r.health.GET(get('/api/ingest-health?minutes=0')), 400, 'bad_request');
  });

  it('pages dead letters, orphans and flow failures by keyset: a walk equals one page, and stitching page 1 skips nothing on page 2', async () => {
    const { ingestEvents } = await import('@/lib/ingest/pipeline');
    const flow = { flow_source: 'psa', flow_target: 'erp', attempt: '1' };
    // one request: the letters and the orphans share a received_at, their IDs order them
    await ingestEvents(
      rt,
      [
        ...Array.from({ length: 6 }, (_, i) => ({ event_id: `bad-p${i}`, type: 'not.a.type' })),
        ...Array.from({ length: 7 }, (_, i) => ev({ source: 'payments', type: 'payment.received', entity_type: 'payment', entity_id: `PAY-P${i}`, refs: [`erp:invoice:INV-P${i}`], occurred_at: '2026-03-03T09:00:00Z' })),
        ...Array.from({ length: 5 }, (_, i) => ev({ source: 'middleware', type: 'sync.failed', entity_type: 'sync', entity_id: `RP${i}`, refs: ['psa:milestone:MS-1'], occurred_at: `2026-03-03T10:0${i % 2}:00Z`, status: 'ERP_TIMEOUT', attributes: flow })),
      ],
      { collector: 'paging' },
    );
    await rt.writer!.settled();
    type Page = { items: Record<string, string>[]; next_cursor: string | null; total: number };
    const lists = [
      { route: r.deadLetters, path: '/api/dead-letters?collector=paging', id: (i: Record<string, string>) => i.event_id, size: 6 },
      { route: r.orphans, path: '/api/orphans?now=2026-03-04T00:00:00Z', id: (i: Record<string, string>) => i.event_id, size: 8 },
      { route: r.failures, path: '/api/flows/failures?flow_source=psa&flow_target=erp', id: (i: Record<string, string>) => `${i.origin}:${i.run_id}`, size: 6 },
    ];
    const page = async (l: (typeof lists)[number], limit: number, cursor?: string | null): Promise<Page> => {
      const res = await l.route.GET(get(`${l.path}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`));
      expect(res.status, l.path).toBe(200);
      return (await res.json()) as Page;
    };
    for (const l of lists) {
      const one = (await page(l, 50)).items.map(l.id);
      expect(one, l.path).toHaveLength(l.size);
      for (const limit of [1, 2, 5]) {
        const ids: string[] = [];
        let cursor: string | null = null;
        do {
          const p: Page = await page(l, limit, cursor);
          expect(p.total, l.path).toBe(l.size);
          ids.push(...p.items.map(l.id));
          cursor = p.next_cursor;
        } while (cursor);
        expect(ids, `${l.path} limit ${limit}`).toEqual(one);
      }
      // an offset cursor (what these lists took before) is a 400, not some page
      await expectError(await l.route.GET(get(`${l.path}&cursor=${Buffer.from(JSON.stringify({ o: 2 })).toString('base64url')}`)), 400, 'bad_request');
    }
    // IT stitches page 1's orphans (their invoices arrive); page 2 goes on after page 1's last
    const orphans = lists[1];
    const before = (await page(orphans, 50)).items;
    const first = await page(orphans, 3);
    const invoices = first.items.flatMap((o) => (o as unknown as { waiting_for: string[] }).waiting_for.map((key) => ev({ source: 'erp', type: 'invoice.issued', entity_type: 'invoice', entity_id: key.split(':')[2], refs: [DEAL], occurred_at: '2026-03-03T11:00:00Z' })));
    expect(invoices).toHaveLength(3);
    await ingestEvents(rt, invoices, { collector: 'paging' });
    await rt.writer!.settled();
    const after = (await page(orphans, 50)).items.map(orphans.id);
    expect(after).toEqual(before.slice(3).map(orphans.id));
    // by offset, page 2 would have started at the list's fourth item now, skipping three
    expect((await page(orphans, 3, first.next_cursor)).items.map(orphans.id)).toEqual(after.slice(0, 3));
  });

  it('says which dead letters were stored since (sent again corrected, or replayed), counts and filters them by state', async () => {
    const { ingestEvents } = await import('@/lib/ingest/pipeline');
    // three malformed: an amount as text, a lower-case currency, a local date
    const good = (i: number) => ev({ event_id: `state-${i}`, source: 'erp', type: 'invoice.issued', entity_type: 'invoice', entity_id: `INV-S${i}`, refs: [DEAL], occurred_at: '2026-03-04T09:00:00Z', amount: 1200.5, currency: 'EUR' });
    const res = await ingestEvents(rt, [{ ...good(0), amount: '1,200.50' }, { ...good(1), currency: 'eur' }, { ...good(2), occurred_at: '04/03/2026 09:00' }], { collector: 'state' });
    expect(res.rejected.map((x) => x.errors[0].split(':')[0])).toEqual(['amount', 'currency', 'occurred_at']);
    type Page = { items: { event_id: string; stored: boolean }[]; by_state: { waiting: number; stored: number }; total: number };
    const list = async (q = '') => (await (await r.deadLetters.GET(get(`/api/dead-letters?collector=state${q}`))).json()) as Page;
    expect((await list()).by_state).toEqual({ waiting: 3, stored: 0 });
    // the source sends state-0 again corrected; state-1 is replayed with its currency mapped
    await ingestEvents(rt, [good(0)], { collector: 'state' });
    const { replayDeadLetter } = await import('@/lib/actions/replay');
    const letters = await list();
    const id1 = (await (await r.deadLetters.GET(get('/api/dead-letters?collector=state&q=state-1'))).json()).items[0].id as string;
    expect(await replayDeadLetter(rt, id1, { currency: 'EUR' })).toMatchObject({ ok: true });
    await rt.writer!.settled();
    const all = await list();
    expect(Object.fromEntries(all.items.map((i) => [i.event_id, i.stored]))).toEqual({ 'state-0': true, 'state-1': true, 'state-2': false });
    expect(all.by_state).toEqual({ waiting: 1, stored: 2 });
    expect(letters.total).toBe(3);
    const waiting = await list('&state=waiting');
    expect([waiting.items.map((i) => i.event_id), waiting.total, waiting.by_state]).toEqual([['state-2'], 1, { waiting: 1, stored: 2 }]);
    const stored = await list('&state=stored&limit=1');
    expect([stored.items.map((i) => i.event_id).length, stored.total]).toEqual([1, 2]);
    // the letter itself, and the CSV's column
    const one = await (await r.deadLetter.GET(get(`/api/dead-letters/${id1}`), withParams({ id: id1 }))).json();
    expect(one).toMatchObject({ event_id: 'state-1', stored: true });
    // a waiting letter names its record and, through its refs, the deal that misses it
    const id2 = waiting.items[0] as unknown as { id: string };
    const two = await (await r.deadLetter.GET(get(`/api/dead-letters/${id2.id}`), withParams({ id: id2.id }))).json();
    expect(two).toMatchObject({ event_id: 'state-2', stored: false, record: 'erp:invoice:INV-S2', deal: DEAL });
    // input that is not one event names nothing
    const first = (await (await r.deadLetters.GET(get('/api/dead-letters?collector=test'))).json()).items[0] as { id: string };
    expect(await (await r.deadLetter.GET(get(`/api/dead-letters/${first.id}`), withParams({ id: first.id }))).json()).toMatchObject({ event_id: 'bad-1', record: null, deal: null });
    const csv = (await (await r.deadLetters.GET(get('/api/dead-letters?collector=state&state=waiting&format=csv'))).text()).trim().split('\r\n');
    const cols = csv[0].split(',');
    expect(csv).toHaveLength(2);
    expect(csv[1].split(',')[cols.indexOf('stored')]).toBe('false');
    await expectError(await r.deadLetters.GET(get('/api/dead-letters?state=fixed')), 400, 'bad_request');

    // a payment for the dead-lettered invoice is an orphan, and the orphans list names the letter
    await ingestEvents(rt, [ev({ event_id: 'state-pay', source: 'payments', type: 'payment.received', entity_type: 'payment', entity_id: 'PAY-S2', refs: ['erp:invoice:INV-S2'], occurred_at: '2026-03-04T10:00:00Z', amount: 1200.5, currency: 'EUR' })], { collector: 'state' });
    await rt.writer!.settled();
    type Orphan = { event_id: string; waiting_for: string[]; dead_lettered: { key: string; letter_id: string }[] };
    const orphan = async () => ((await (await r.orphans.GET(get('/api/orphans?now=2026-03-05T00:00:00Z&limit=500'))).json()).items as Orphan[]).find((o) => o.event_id === 'state-pay');
    expect(await orphan()).toMatchObject({ waiting_for: ['erp:invoice:INV-S2'], dead_lettered: [{ key: 'erp:invoice:INV-S2', letter_id: id2.id }] });
    // replayed with its date mapped, the invoice arrives and stitches the payment to the deal
    expect(await replayDeadLetter(rt, id2.id, { occurred_at: '2026-03-04T09:00:00Z' })).toMatchObject({ ok: true });
    await rt.writer!.settled();
    expect(await orphan()).toBeUndefined();
  });

  it('counts a dead letter as stored when its record’s event of its type arrives after it under another event ID; not another type, nor one before it', async () => {
    const { ingestEvents } = await import('@/lib/ingest/pipeline');
    // a source without its own event IDs: a corrected payload hashes to a new one
    const inv = (id: string, entity: string, type: 'invoice.issued' | 'invoice.disputed' = 'invoice.issued') =>
      ev({ event_id: id, source: 'erp', type, entity_type: 'invoice', entity_id: entity, refs: [DEAL], occurred_at: '2026-03-06T09:00:00Z', amount: 900, currency: 'EUR' });
    // INV-H2's invoice.issued is stored before its malformed copy comes (under another ID)
    await ingestEvents(rt, [inv('hash-2a', 'INV-H2')], { collector: 'hashid' });
    await rt.writer!.settled();
    const res = await ingestEvents(rt, [{ ...inv('hash-1a', 'INV-H1'), amount: '900,00' }, { ...inv('hash-2b', 'INV-H2'), amount: '900,00' }], { collector: 'hashid' });
    expect(res.rejected).toHaveLength(2);
    type Page = { items: { id: string; event_id: string; stored: boolean }[]; by_state: { waiting: number; stored: number } };
    const list = async (q = '') => (await (await r.deadLetters.GET(get(`/api/dead-letters?collector=hashid${q}`))).json()) as Page;
    const states = async () => Object.fromEntries((await list()).items.map((i) => [i.event_id, i.stored]));
    expect(await states()).toEqual({ 'hash-1a': false, 'hash-2b': false });
    // another type of event about INV-H1 fixes nothing
    await ingestEvents(rt, [inv('hash-1d', 'INV-H1', 'invoice.disputed')], { collector: 'hashid' });
    await rt.writer!.settled();
    expect(await states()).toEqual({ 'hash-1a': false, 'hash-2b': false });
    // the corrected invoice.issued of INV-H1, hashed to a new ID
    await ingestEvents(rt, [inv('hash-1b', 'INV-H1')], { collector: 'hashid' });
    await rt.writer!.settled();
    expect(await states()).toEqual({ 'hash-1a': true, 'hash-2b': false });
    expect((await list()).by_state).toEqual({ waiting: 1, stored: 1 });
    expect((await list('&state=waiting')).items.map((i) => i.event_id)).toEqual(['hash-2b']);
    const id = (await list('&state=stored')).items[0].id;
    expect(await (await r.deadLetter.GET(get(`/api/dead-letters/${id}`), withParams({ id }))).json()).toMatchObject({ event_id: 'hash-1a', stored: true, record: 'erp:invoice:INV-H1', event_type: 'invoice.issued', occurred_at: '2026-03-06T09:00:00.000Z', recurring: false });

    // Replaying that letter would store INV-H1's invoice a second time (hash-1a beside hash-1b): refused, unless forced.
    const { replayDeadLetter } = await import('@/lib/actions/replay');
    const issued = async () => Number((await rt.store.query<{ n: string }>(sql`SELECT count() AS n FROM events WHERE entity_key = 'erp:invoice:INV-H1' AND type = 'invoice.issued'`))[0].n);
    expect(await issued()).toBe(1);
    expect(await replayDeadLetter(rt, id, { amount: 900 })).toEqual({
      ok: false,
      detail: "not replayed: erp:invoice:INV-H1's invoice.issued was stored after this letter under event ID hash-1b, most likely this event sent again corrected; a replay would store it a second time (force it if it is another event)",
    });
    await rt.writer!.settled();
    expect(await issued()).toBe(1);
    // the waiting letter (INV-H2's event was stored before it, not since) replays as before
    const waitingId = (await list('&state=waiting')).items[0].id;
    expect(await replayDeadLetter(rt, waitingId, { amount: 900 })).toMatchObject({ ok: true });
    // forced, the operator says it is another event: stored
    expect(await replayDeadLetter(rt, id, { amount: 900 }, { force: true })).toMatchObject({ ok: true, detail: 'replayed 1 item(s): 1 accepted, 0 already present' });
    await rt.writer!.settled();
    expect(await issued()).toBe(2);
    // its own event ID stored now, a replay is a duplicate and is not refused
    expect(await replayDeadLetter(rt, id, { amount: 900 })).toMatchObject({ ok: true, detail: 'replayed 1 item(s): 0 accepted, 1 already present' });
  });

  it('tells events of a type one record carries more than once apart by business time: another dispute of the invoice is not the letter’s', async () => {
    const { ingestEvents } = await import('@/lib/ingest/pipeline');
    const { replayDeadLetter } = await import('@/lib/actions/replay');
    const dispute = (id: string, at: string) =>
      ev({ event_id: id, source: 'erp', type: 'invoice.disputed', entity_type: 'invoice', entity_id: 'INV-R1', refs: [DEAL], occurred_at: at, amount: 100, currency: 'EUR' });
    // three disputes of INV-R1 dead-lettered: two with the amount as text (of 10 and 20 March), one with a local date (no business time to tell by)
    const res = await ingestEvents(
      rt,
      [{ ...dispute('disp-1a', '2026-03-10T09:00:00Z'), amount: '100,00' }, { ...dispute('disp-2a', '2026-03-20T09:00:00+01:00'), amount: '100,00' }, { ...dispute('disp-3a', '2026-03-12T09:00:00Z'), occurred_at: '12/03/2026 09:00' }],
      { collector: 'recur' },
    );
    expect(res.rejected).toHaveLength(3);
    type Page = { items: { id: string; event_id: string; stored: boolean }[]; by_state: { waiting: number; stored: number } };
    const list = async (q = '') => (await (await r.deadLetters.GET(get(`/api/dead-letters?collector=recur${q}`))).json()) as Page;
    const states = async () => Object.fromEntries((await list()).items.map((i) => [i.event_id, i.stored]));
    const letterOf = async (eventId: string) => (await list(`&q=${eventId}`)).items[0].id;
    const disputes = async () => Number((await rt.store.query<{ n: string }>(sql`SELECT count() AS n FROM events WHERE entity_key = 'erp:invoice:INV-R1' AND type = 'invoice.disputed'`))[0].n);
    expect(await states()).toEqual({ 'disp-1a': false, 'disp-2a': false, 'disp-3a': false });

    // another dispute of the invoice (17 March) is stored: not the 10 March letter's event, nor the 20 March one's;
    // the letter without a valid business time cannot tell, and counts it
    await ingestEvents(rt, [dispute('disp-9', '2026-03-17T09:00:00Z')], { collector: 'recur' });
    await rt.writer!.settled();
    expect(await states()).toEqual({ 'disp-1a': false, 'disp-2a': false, 'disp-3a': true });
    expect((await list()).by_state).toEqual({ waiting: 2, stored: 1 });
    expect((await list('&state=waiting')).items.map((i) => i.event_id).sort()).toEqual(['disp-1a', 'disp-2a']);
    const one = await letterOf('disp-1a');
    expect(await (await r.deadLetter.GET(get(`/api/dead-letters/${one}`), withParams({ id: one }))).json()).toMatchObject({ event_id: 'disp-1a', stored: false, event_type: 'invoice.disputed', occurred_at: '2026-03-10T09:00:00.000Z', recurring: true });
    const three = await letterOf('disp-3a');
    expect(await (await r.deadLetter.GET(get(`/api/dead-letters/${three}`), withParams({ id: three }))).json()).toMatchObject({ event_id: 'disp-3a', stored: true, occurred_at: null, recurring: true });
    // so the 10 March dispute replays (not refused), and the invoice has both disputes
    expect(await replayDeadLetter(rt, one, { amount: 100 })).toMatchObject({ ok: true, detail: 'replayed 1 item(s): 1 accepted, 0 already present' });
    await rt.writer!.settled();
    expect(await disputes()).toBe(2);
    // the letter without a business time is refused, as any later dispute may be its own (it names the latest, the one just replayed)
    expect(await replayDeadLetter(rt, await letterOf('disp-3a'), { occurred_at: '2026-03-12T09:00:00Z' })).toMatchObject({ ok: false, detail: expect.stringContaining("not replayed: erp:invoice:INV-R1's invoice.disputed was stored after this letter under event ID disp-1a,") });

    // the source sends the 20 March dispute again corrected under a new ID (its business time in UTC now): that one is the letter's
    await ingestEvents(rt, [dispute('disp-2b', '2026-03-20T08:00:00Z')], { collector: 'recur' });
    await rt.writer!.settled();
    expect(await states()).toEqual({ 'disp-1a': true, 'disp-2a': true, 'disp-3a': true });
    expect(await replayDeadLetter(rt, await letterOf('disp-2a'), { amount: 100 })).toEqual({
      ok: false,
      detail: "not replayed: erp:invoice:INV-R1's invoice.disputed of 2026-03-20T08:00:00.000Z was stored after this letter under event ID disp-2b, most likely this event sent again corrected; a replay would store it a second time (force it if it is another event)",
    });
    await rt.writer!.settled();
    expect(await disputes()).toBe(3);
  });
});
