// GET /api/resolve by a record's bare ID (?id=): the one deal holding a record of that ID in
// any system, 404 when none, 409 with the candidates when several deals do; and by key as
// before. Against the real runtime on a temp chDB store fed through the ingest pipeline.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminGet as get, closeTestRuntime, openTestRuntime } from '@/lib/testing/test-runtime';
import { ev } from '@/lib/testing/events';
import type { Runtime } from '@/lib/runtime';

let rt: Runtime;
let route: typeof import('./route');

const won = (id: string) => ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: id, occurred_at: '2026-03-02T09:00:00Z', amount: 1000, currency: 'EUR' });

beforeAll(async () => {
  rt = await openTestRuntime();
  const { ingestEvents } = await import('@/lib/ingest/pipeline');
  // two deals, each with a record numbered Q-TWIN: a CPQ quote in one, an ERP sales order in the other
  const r = await ingestEvents(
    rt,
    [
      won('OPP-S1'),
      won('OPP-S2'),
      ev({ type: 'quote.approved', source: 'cpq', entity_type: 'quote', entity_id: 'Q-TWIN', refs: ['crm:opportunity:OPP-S1'], occurred_at: '2026-03-03T09:00:00Z' }),
      ev({ type: 'order.created', source: 'erp', entity_type: 'sales_order', entity_id: 'Q-TWIN', refs: ['crm:opportunity:OPP-S2'], occurred_at: '2026-03-04T09:00:00Z' }),
      ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-S1', refs: ['crm:opportunity:OPP-S1'], occurred_at: '2026-03-05T09:00:00Z', amount: 1000, currency: 'EUR' }),
    ],
    { collector: 'test' },
  );
  expect(r).toMatchObject({ accepted: 5, rejected: [] });
  await rt.writer!.settled();
  route = await import('./route');
});
afterAll(async () => closeTestRuntime(rt));

async function answer(path: string): Promise<{ status: number; body: unknown }> {
  const res = await route.GET(get(path));
  return { status: res.status, body: await res.json() };
}

describe('GET /api/resolve?id=', () => {
  it('names the one deal holding a record of that ID, with the record’s key, typed in any case', async () => {
    expect(await answer('/api/resolve?id=INV-S1')).toEqual({ status: 200, body: { correlation_id: 'crm:opportunity:OPP-S1', key: 'erp:invoice:INV-S1' } });
    expect(await answer('/api/resolve?id=inv-s1')).toEqual({ status: 200, body: { correlation_id: 'crm:opportunity:OPP-S1', key: 'erp:invoice:INV-S1' } });
    // the deal's own record: its correlation ID's ID
    expect(await answer('/api/resolve?id=OPP-S2')).toEqual({ status: 200, body: { correlation_id: 'crm:opportunity:OPP-S2', key: 'crm:opportunity:OPP-S2' } });
  });

  it('answers 409 with each deal and its key when several deals hold a record of that ID; by key, each resolves', async () => {
    expect(await answer('/api/resolve?id=Q-TWIN')).toEqual({
      status: 409,
      body: {
        error: {
          code: 'ambiguous',
          message: '2 deals have a record Q-TWIN: ask by its key (key=source:entity_type:id)',
          details: {
            candidates: [
              { correlation_id: 'crm:opportunity:OPP-S1', key: 'cpq:quote:Q-TWIN' },
              { correlation_id: 'crm:opportunity:OPP-S2', key: 'erp:sales_order:Q-TWIN' },
            ],
          },
        },
      },
    });
    expect(await answer('/api/resolve?key=erp:sales_order:Q-TWIN')).toEqual({ status: 200, body: { correlation_id: 'crm:opportunity:OPP-S2' } });
  });

  it('answers 404 for an ID no deal holds, and 400 without one of key and id, or with both', async () => {
    expect(await answer('/api/resolve?id=INV-NONE')).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'no deal has a record INV-NONE' } } });
    for (const q of ['', '?id=', '?id=%20%20', '?key=erp:invoice:INV-S1&id=INV-S1']) {
      expect((await answer(`/api/resolve${q}`)).status, q).toBe(400);
    }
    expect(await answer('/api/resolve')).toMatchObject({ body: { error: { code: 'bad_request', details: ['key: give one of key (source:entity_type:id) or id (a record ID such as INV-20417)'] } } });
  });
});

describe('dealsOfRecord (the journey page redirects a record address to its deal, or lists them)', () => {
  it('names the deal of a key or a bare ID (any case), each deal of an ID several hold, and none for an unknown ID or key', async () => {
    const { dealsOfRecord } = await import('@/lib/queries/resolve-key');
    const of = async (address: string) => (await dealsOfRecord(rt.store, address, 5)).map((d) => `${d.correlation_id} ${d.key}`);
    expect(await of('INV-S1')).toEqual(['crm:opportunity:OPP-S1 erp:invoice:INV-S1']);
    expect(await of('inv-s1')).toEqual(['crm:opportunity:OPP-S1 erp:invoice:INV-S1']);
    expect(await of('erp:invoice:INV-S1')).toEqual(['crm:opportunity:OPP-S1 erp:invoice:INV-S1']);
    expect(await of('Q-TWIN')).toEqual(['crm:opportunity:OPP-S1 cpq:quote:Q-TWIN', 'crm:opportunity:OPP-S2 erp:sales_order:Q-TWIN']);
    expect(await of('erp:sales_order:Q-TWIN')).toEqual(['crm:opportunity:OPP-S2 erp:sales_order:Q-TWIN']);
    expect(await Promise.all(['INV-NONE', 'erp:invoice:INV-NONE'].map(of))).toEqual([[], []]);
  });
});
