// Route tests of the deals API (/api/deals, /api/deals/{id}, /api/resolve, /api/variants):
// status codes, the one error shape, CSV, against the real runtime on a temp chDB store
// fed through the ingest pipeline.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminGet as get, closeTestRuntime, openTestRuntime } from '@/lib/testing/test-runtime';
import { DEAL_EVENTS, DEAL_IDS, EARLY_PAYMENT } from '@/lib/testing/deal-fixtures';
import type { Runtime } from '@/lib/runtime';

let rt: Runtime;
let routes: {
  deals: typeof import('./route');
  deal: typeof import('./[correlationId]/route');
  openItems: typeof import('./[correlationId]/open-items/route');
  resolve: typeof import('../resolve/route');
  variants: typeof import('../variants/route');
};

beforeAll(async () => {
  rt = await openTestRuntime();
  const { ingestEvents } = await import('@/lib/ingest/pipeline');
  await ingestEvents(rt, [EARLY_PAYMENT], { collector: 'test' });
  const r = await ingestEvents(rt, [...DEAL_EVENTS, DEAL_EVENTS[0]], { collector: 'test' });
  expect(r).toMatchObject({ accepted: DEAL_EVENTS.length, duplicates: 1, rejected: [] });
  await rt.writer!.settled(); // open items read the clock snapshot, refreshed behind the writer
  routes = {
    deals: await import('./route'),
    deal: await import('./[correlationId]/route'),
    openItems: await import('./[correlationId]/open-items/route'),
    resolve: await import('../resolve/route'),
    variants: await import('../variants/route'),
  };
});
afterAll(async () => {
  await closeTestRuntime(rt);
});

const params = (correlationId: string) => ({ params: Promise.resolve({ correlationId }) });

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = await res.json();
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  return body;
}

describe('GET /api/deals', () => {
  it('finds a deal by its invoice number', async () => {
    const res = await routes.deals.GET(get('/api/deals?q=INV-A1'));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.deals.map((d: { correlation_id: string }) => d.correlation_id)).toEqual([DEAL_IDS.A]);
    expect(body.next_cursor).toBeNull();
  });

  it('counts each deal’s records on a stuck queue, as its journey lists them', async () => {
    const body = await (await routes.deals.GET(get('/api/deals'))).json();
    expect(body.deals).toHaveLength(5);
    expect(body.overdue[DEAL_IDS.A]).toBe(1); // the milestone's failed sync, never recovered
    for (const id of Object.values(DEAL_IDS)) {
      const open = await (await routes.openItems.GET(get(`/api/deals/${encodeURIComponent(id)}/open-items`), params(id))).json();
      const overdue = open.items.filter((i: { overdue: boolean }) => i.overdue).length;
      expect(body.overdue[id] ?? 0, id).toBe(overdue);
    }
  });

  it('exports every deal the search and filters match as CSV, not one page', async () => {
    const res = await routes.deals.GET(get('/api/deals?format=csv&limit=1'));
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('correlation_id,customer,region,practice,legal_entity,billing_model,stage,currency,quote_value,contract_value,change_value,delivered_value,invoiced_value,credited_value,paid_value,applied_value,events,sync_failed,overdue_items,first_at,last_at');
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(Object.values(DEAL_IDS).sort());
    const one = (await (await routes.deals.GET(get('/api/deals?format=csv&q=INV-A1'))).text()).trim().split('\r\n');
    expect(one).toHaveLength(2);
    expect(one[1]).toMatch(/^crm:opportunity:OPP-A,Acme GmbH,EMEA,Advisory,Cashtrace GmbH,fixed_fee,collected,EUR,120000,120000,/);
  });

  it('answers 400 with details for bad parameters', async () => {
    const body = await expectError(await routes.deals.GET(get('/api/deals?stage=lost&limit=0')), 400, 'bad_request');
    expect(body.error.details.join(' ')).toMatch(/stage/);
    expect(body.error.details.join(' ')).toMatch(/limit/);
    await expectError(await routes.deals.GET(get('/api/deals?cursor=not%20a%20cursor')), 400, 'bad_request');
    await expectError(await routes.deals.GET(get('/api/deals?cursor=bm9wZQ')), 400, 'bad_request');
    await expectError(await routes.deals.GET(get(`/api/deals?q=${'x'.repeat(201)}`)), 400, 'bad_request');
    await expectError(await routes.deals.GET(get('/api/deals?from=yesterday')), 400, 'bad_request');
    // a day that does not exist is refused with what to send, not failed by the engine (was a 500)
    const day = await expectError(await routes.deals.GET(get('/api/deals?to=2026-02-30')), 400, 'bad_request');
    expect(day.error.details.join(' ')).toMatch(/to.*must be a real day/);
    const path = await expectError(await routes.deals.GET(get('/api/deals?path=opportunity.won,lost')), 400, 'bad_request');
    expect(path.error.details.join(' ')).toMatch(/path.*unknown path step\(s\): "lost"/);
  });

  it("filters on a variant's path, in the list and its CSV", async () => {
    const res = await routes.deals.GET(get('/api/deals?billing_model=fixed_fee&path=opportunity.won,quote.approved'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { deals: { billing_model: string }[] };
    expect(body.deals.map((d) => d.billing_model)).toEqual(['fixed_fee', 'fixed_fee']);
    const csv = await routes.deals.GET(get('/api/deals?billing_model=fixed_fee&path=opportunity.won,quote.approved&format=csv'));
    expect((await csv.text()).trim().split('\r\n')).toHaveLength(1 + 2);
  });
});

describe('GET /api/deals/{correlationId}', () => {
  it('returns the deal and its events', async () => {
    const res = await routes.deal.GET(get(`/api/deals/${encodeURIComponent(DEAL_IDS.B)}`), params(DEAL_IDS.B));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.deal).toMatchObject({ correlation_id: DEAL_IDS.B, stage: 'set_up', currency: 'USD' });
    expect(body.events.map((e: { event_id: string }) => e.event_id)).toEqual(['fx-b-won', 'fx-b-quote', 'fx-b-ctr', 'fx-b-prj']);
    expect(body.next_step.type).toBe('order.created');
  });

  it('answers 404 for an unknown deal', async () => {
    await expectError(await routes.deal.GET(get('/api/deals/nope'), params('crm:opportunity:NOPE')), 404, 'not_found');
    await expectError(await routes.deal.GET(get('/api/deals/x'), params("'; DROP TABLE events; --")), 404, 'not_found');
  });

  it('answers 400 for an oversized id', async () => {
    await expectError(await routes.deal.GET(get('/api/deals/x'), params('x'.repeat(301))), 400, 'bad_request');
  });
});

describe('GET /api/deals/{correlationId}/open-items', () => {
  it('names the records still open on a deal whose every step has happened', async () => {
    // deal A: complete path, but its milestone's sync to the ERP failed and never recovered
    const res = await routes.openItems.GET(get(`/api/deals/${encodeURIComponent(DEAL_IDS.A)}/open-items`), params(DEAL_IDS.A));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.reporting_currency).toBe('EUR');
    expect(body.items).toEqual([
      expect.objectContaining({ rule: 'sync-failed-unrecovered', entity_key: 'psa:milestone:MS-A1>erp', waiting_for: ['sync.succeeded'], overdue: true, state: 'open' }),
    ]);
  });

  it('answers 404 for an unknown deal and 400 for an oversized id', async () => {
    await expectError(await routes.openItems.GET(get('/api/deals/nope/open-items'), params('crm:opportunity:NOPE')), 404, 'not_found');
    await expectError(await routes.openItems.GET(get('/api/deals/x/open-items'), params('x'.repeat(301))), 400, 'bad_request');
  });
});

describe('GET /api/resolve', () => {
  it('resolves a key of a deal', async () => {
    const res = await routes.resolve.GET(get('/api/resolve?key=erp:invoice:INV-A1'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ correlation_id: DEAL_IDS.A });
  });

  it('answers 404 when no deal has the key and 400 for a malformed or missing key', async () => {
    await expectError(await routes.resolve.GET(get('/api/resolve?key=erp:invoice:INV-404')), 404, 'not_found');
    await expectError(await routes.resolve.GET(get('/api/resolve?key=INV-A1')), 400, 'bad_request');
    await expectError(await routes.resolve.GET(get('/api/resolve')), 400, 'bad_request');
  });
});

describe('GET /api/variants', () => {
  it('returns JSON and CSV', async () => {
    const res = await routes.variants.GET(get('/api/variants'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ total_deals: 5, conforming_deals: 4, variant_count: 4 });
    // the export holds every variant, whatever the page's limit
    const csv = await routes.variants.GET(get('/api/variants?format=csv&limit=2'));
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(1 + 4);
    expect(lines.slice(0, 3)).toEqual([
      'rank,billing_model,path,deals,share,conforming,missing,reordered,extra',
      '1,fixed_fee,opportunity.won > quote.approved,2,0.4,true,,,',
      '2,fixed_fee,opportunity.won > quote.approved > contract.signed > order.created > project.provisioned > billing_schedule.created > resource.assigned > milestone.completed > invoice.issued > payment.received > cash.applied,1,0.2,true,,,',
    ]);
  });

  it('keeps the paths off the expected path, in JSON and CSV', async () => {
    const res = await routes.variants.GET(get('/api/variants?conforming=no'));
    expect(await res.json()).toMatchObject({ variant_count: 4, matching_variants: 1, variants: [{ rank: 3, billing_model: 'retainer', conforming: false }] });
    const lines = (await (await routes.variants.GET(get('/api/variants?conforming=no&format=csv'))).text()).trim().split('\r\n');
    expect(lines.slice(1)).toEqual(['3,retainer,opportunity.won > contract.signed > quote.approved,1,0.2,false,,contract.signed,']);
  });

  it('answers 400 for a bad format, limit or conforming', async () => {
    await expectError(await routes.variants.GET(get('/api/variants?format=xml')), 400, 'bad_request');
    await expectError(await routes.variants.GET(get('/api/variants?limit=1001')), 400, 'bad_request');
    await expectError(await routes.variants.GET(get('/api/variants?conforming=maybe')), 400, 'bad_request');
  });
});
