// Integration tests of the deals, journey, resolve and variants queries against a real
// chDB store, on the hand-built deals of lib/testing/deal-fixtures.ts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { canonicalEventSchema } from '../events/schema';
import { IngestWriter } from '../ingest/writer';
import { openTempStore } from '../testing/temp-store';
import { DEAL_EVENTS, DEAL_IDS, EARLY_PAYMENT, HOSTILE_CONTRACT_ID, INVOICE_A } from '../testing/deal-fixtures';
import { dealsQuerySchema } from '../contracts/deals';
import { variantsQuerySchema } from '../contracts/variants';
import { getDeals } from './get-deals';
import { getDeal } from './get-deal';
import { resolveKey, resolveKeys } from './resolve-key';
import { getVariants } from './get-variants';
import { pathParam, pathParamSchema } from './deal-path';

let store: Store;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const parse = (xs: unknown[]) => xs.map((x) => canonicalEventSchema.parse(x));
const list = (q: Record<string, string> = {}) => getDeals(store, dealsQuerySchema.parse(q));
const ids = (r: { deals: { correlation_id: string }[] }) => r.deals.map((d) => d.correlation_id);

beforeAll(async () => {
  ({ store } = await openTempStore());
  // deal_summary keeps a row per insert (and adoption) of a deal, unmerged: the journey's
  // header merges them itself (FINAL), and a background merge must not do it first.
  await store.command(sql`SYSTEM STOP MERGES deal_summary`);
  const w = await IngestWriter.open(store);
  // The payment arrives before the invoice it pays: kept as an orphan, then adopted.
  expect(await w.write(parse([EARLY_PAYMENT]))).toMatchObject({ inserted: 1, duplicates: 0 });
  const [{ orphans }] = await store.query<{ orphans: string }>(sql`SELECT count() AS orphans FROM events WHERE correlation_id = ''`);
  expect(Number(orphans)).toBe(1);
  expect(await w.write(parse([...DEAL_EVENTS, INVOICE_A]))).toMatchObject({ inserted: DEAL_EVENTS.length, duplicates: 1 });
  expect(await w.write(parse([INVOICE_A, EARLY_PAYMENT]))).toMatchObject({ inserted: 0, duplicates: 2 });
});
afterAll(async () => {
  await store?.close();
});

describe('getDeals', () => {
  it('lists every deal, newest activity first, with stage, money and dimensions', async () => {
    const r = await list();
    expect(ids(r)).toEqual([DEAL_IDS.A, DEAL_IDS.E, DEAL_IDS.D, DEAL_IDS.B, DEAL_IDS.C]);
    expect(r.next_cursor).toBeNull();
    const a = r.deals[0];
    expect(a).toEqual({
      correlation_id: DEAL_IDS.A,
      customer: 'Acme GmbH',
      region: 'EMEA',
      practice: 'Advisory',
      legal_entity: 'Cashtrace GmbH',
      billing_model: 'fixed_fee',
      currency: 'EUR',
      stage: 'collected',
      quote_value: 120000,
      contract_value: 120000,
      change_value: 0,
      delivered_value: 40000,
      invoiced_value: 40000,
      credited_value: 0,
      paid_value: 40000,
      applied_value: 40000,
      events: 12,
      sync_failed: 1,
      first_at: '2026-03-02T09:00:00.000Z',
      last_at: '2026-04-21T09:00:00.000Z',
      last_received_at: expect.any(String),
    });
    expect(r.deals.map((d) => [d.stage, d.currency, d.contract_value])).toEqual([
      ['collected', 'EUR', 120000],
      ['booked', 'EUR', null],
      ['booked', 'EUR', null],
      ['set_up', 'USD', 50000],
      ['booked', 'GBP', 30000],
    ]);
  });

  it('pages with a keyset cursor without gaps or repeats', async () => {
    const p1 = await list({ limit: '2' });
    expect(ids(p1)).toEqual([DEAL_IDS.A, DEAL_IDS.E]);
    const p2 = await list({ limit: '2', cursor: p1.next_cursor! });
    expect(ids(p2)).toEqual([DEAL_IDS.D, DEAL_IDS.B]);
    const p3 = await list({ limit: '2', cursor: p2.next_cursor! });
    expect(ids(p3)).toEqual([DEAL_IDS.C]);
    expect(p3.next_cursor).toBeNull();
  });

  it('rejects a tampered cursor', async () => {
    await expect(list({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({ status: 400 });
  });

  it('finds a deal by any key users know: invoice, payment (adopted orphan), project, prefix, lower case, full key, customer', async () => {
    expect(ids(await list({ q: 'INV-A1' }))).toEqual([DEAL_IDS.A]);
    expect(ids(await list({ q: 'PAY-A1' }))).toEqual([DEAL_IDS.A]);
    expect(ids(await list({ q: 'PRJ-B' }))).toEqual([DEAL_IDS.B]);
    expect(ids(await list({ q: 'OPP-' }))).toEqual([DEAL_IDS.A, DEAL_IDS.E, DEAL_IDS.D, DEAL_IDS.B, DEAL_IDS.C]);
    expect(ids(await list({ q: 'inv-a' }))).toEqual([DEAL_IDS.A]);
    expect(ids(await list({ q: 'erp:invoice:INV-A1' }))).toEqual([DEAL_IDS.A]);
    expect(ids(await list({ q: 'psa:invoice:INV-A1' }))).toEqual([]);
    expect(ids(await list({ q: 'borealis' }))).toEqual([DEAL_IDS.B]);
  });

  it('treats hostile search strings as plain text', async () => {
    expect(ids(await list({ q: HOSTILE_CONTRACT_ID }))).toEqual([DEAL_IDS.C]);
    expect(ids(await list({ q: "CTR-C');" }))).toEqual([DEAL_IDS.C]);
    expect(ids(await list({ q: 'Cobalt & Sons <script>' }))).toEqual([DEAL_IDS.C]);
    for (const q of ["' OR 1=1 --", '%', '_', '\\', '{p0:String}', 'INV-A1%', ') OR (1']) {
      expect(ids(await list({ q })), q).toEqual([]);
    }
    const [{ c }] = await store.query<{ c: string }>(sql`SELECT count() AS c FROM events`);
    expect(Number(c)).toBe(DEAL_EVENTS.length + 1);
  });

  it('filters by stage, dimensions and the date window', async () => {
    expect(ids(await list({ stage: 'booked' }))).toEqual([DEAL_IDS.E, DEAL_IDS.D, DEAL_IDS.C]);
    expect(ids(await list({ stage: 'set_up' }))).toEqual([DEAL_IDS.B]);
    expect(ids(await list({ stage: 'billed' }))).toEqual([]);
    expect(ids(await list({ region: 'NA' }))).toEqual([DEAL_IDS.B]);
    expect(ids(await list({ billing_model: 'fixed_fee', legal_entity: 'Cashtrace GmbH' }))).toEqual([DEAL_IDS.A, DEAL_IDS.E]);
    expect(ids(await list({ q: 'OPP-', customer: 'Elbe AG' }))).toEqual([DEAL_IDS.E]);
    expect(ids(await list({ from: '2026-03-21' }))).toEqual([DEAL_IDS.A, DEAL_IDS.E, DEAL_IDS.D]);
    expect(ids(await list({ to: '2026-03-15' }))).toEqual([DEAL_IDS.A, DEAL_IDS.B]);
  });
});

describe('getDeal', () => {
  it('returns 12 events of deal A in business-time order, the early payment and one copy of the duplicate invoice', async () => {
    const d = (await getDeal(store, DEAL_IDS.A, { now: new Date('2026-05-01T00:00:00Z') }))!;
    expect(d.events.map((e) => e.event_id)).toEqual([
      'fx-a-won', 'fx-a-quote', 'fx-a-ctr', 'fx-a-so', 'fx-a-prj', 'fx-a-bs', 'fx-a-ra', 'fx-a-ms', 'fx-a-sync', 'fx-a-inv', 'fx-a-pay', 'fx-a-ca',
    ]);
    expect(d.truncated).toBe(false);
    const inv = d.events.find((e) => e.event_id === 'fx-a-inv')!;
    expect(inv).toMatchObject({
      source: 'erp', type: 'invoice.issued', stage: 'billed', entity_key: 'erp:invoice:INV-A1', amount: 40000, currency: 'EUR',
      due_at: '2026-05-02T00:00:00.000Z', refs: ['erp:sales_order:SO-A', 'psa:milestone:MS-A1'],
      payload: { fixture: true, id: 'fx-a-inv', type: 'invoice.issued', entity_id: 'INV-A1' },
    });
    expect(d.events.find((e) => e.event_id === 'fx-a-sync')).toMatchObject({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', stage: 'integration' });
    expect(d.deal).toMatchObject({ stage: 'collected', invoiced_value: 40000, events: 12 });
    expect(d.conforming).toBe(true);
    // the project came 29 h after its 2 business days from the quote's approval (DOMAIN.md §5:
    // from the quote or the contract, whichever came first), as the SLA view counts it
    expect(d.deviations).toEqual([
      { kind: 'late', type: 'project.provisioned', late_by_ms: 29 * HOUR, message: 'project.provisioned came late after quote.approved (allowed 2 business days)' },
    ]);
    expect(d.next_step).toBeNull();
    expect(d.expected_path.map((s) => [s.status, s.late_by_ms])).toEqual([['done', null], ...Array(3).fill(['done', 0]), ['done', 29 * HOUR], ...Array(6).fill(['done', 0])]);
    expect(d.stages.map((s) => [s.stage, s.status, s.started_at, s.ended_at, s.duration_ms, s.events])).toEqual([
      ['booked', 'done', '2026-03-02T09:00:00.000Z', '2026-03-06T09:00:00.000Z', 4 * DAY, 3],
      ['set_up', 'done', '2026-03-06T09:00:00.000Z', '2026-04-01T09:00:00.000Z', 26 * DAY, 4],
      ['delivering', 'done', '2026-04-01T09:00:00.000Z', '2026-04-02T09:00:00.000Z', DAY, 1],
      ['billed', 'done', '2026-04-02T09:00:00.000Z', '2026-04-20T09:00:00.000Z', 18 * DAY, 1],
      ['collected', 'done', '2026-04-20T09:00:00.000Z', '2026-04-21T09:00:00.000Z', DAY, 2],
    ]);
  });

  it('shows what deal B did late and what is overdue next: the sales order, while staffing waits too', async () => {
    const d = (await getDeal(store, DEAL_IDS.B, { now: new Date('2026-04-01T09:00:00Z') }))!;
    // Provisioned without a sales order yet: the two follow the signature side by side, so
    // nothing is skipped (so far on its path), but the order is 13 business days overdue (19
    // calendar days: lateness after a business-day window is business time, as the stuck rules
    // count it on the deal's legal entity's calendar).
    expect(d.conforming).toBe(true);
    expect(d.deviations).toEqual([
      { kind: 'late', type: 'project.provisioned', late_by_ms: 5 * DAY, message: 'project.provisioned came late after quote.approved (allowed 2 business days)' },
    ]);
    expect(d.next_step).toEqual({
      type: 'order.created',
      stage: 'set_up',
      waits_for: 'contract.signed',
      waits_for_at: '2026-03-12T09:00:00.000Z',
      window: '1 business day',
      due_at: '2026-03-13T09:00:00.000Z',
      late_by_ms: 13 * DAY,
      overdue: true,
    });
    // The billing schedule waits for the sales order; staffing (due five business days after the project) can come now.
    expect(d.expected_path.map((s) => s.status)).toEqual(['done', 'done', 'done', 'next', 'done', 'pending', 'next', 'pending', 'pending', 'pending', 'pending']);
    expect(d.expected_path.find((s) => s.type === 'resource.assigned')).toMatchObject({ due_at: '2026-03-27T09:00:00.000Z', late_by_ms: 3 * DAY });
    expect(d.stages.map((s) => [s.stage, s.status, s.duration_ms])).toEqual([
      ['booked', 'done', 10 * DAY],
      ['set_up', 'current', 12 * DAY],
      ['delivering', 'pending', null],
      ['billed', 'pending', null],
      ['collected', 'pending', null],
    ]);
  });

  it('flags the reordered and repeated steps of deal C', async () => {
    const d = (await getDeal(store, DEAL_IDS.C, { now: new Date('2026-04-01T09:00:00Z') }))!;
    expect(d.deviations).toEqual([
      { kind: 'reordered', type: 'contract.signed', before: 'quote.approved', message: 'contract.signed happened before quote.approved' },
      { kind: 'repeated', type: 'quote.approved', count: 2, message: 'quote.approved happened 2 times' },
    ]);
    expect(d.next_step).toMatchObject({ type: 'order.created', waits_for: 'contract.signed', due_at: '2026-03-18T09:00:00.000Z', late_by_ms: 10 * DAY });
    expect(d.events.find((e) => e.type === 'contract.signed')!.entity_id).toBe(HOSTILE_CONTRACT_ID);
  });

  it('heads every journey with the deal row the list shows (one deal merged, a page grouped)', async () => {
    const { deals } = await list();
    expect(deals.length).toBe(5);
    // Written in three inserts (and an adoption): deals with more than one deal_summary row.
    const [{ split }] = await store.query<{ split: string }>(
      sql`SELECT count() AS split FROM (SELECT correlation_id FROM deal_summary GROUP BY correlation_id HAVING count() > 1)`,
    );
    expect(Number(split)).toBeGreaterThan(0);
    for (const row of deals) expect((await getDeal(store, row.correlation_id))!.deal).toEqual(row);
  });

  it('returns null for an unknown deal, the orphan bucket and hostile IDs', async () => {
    expect(await getDeal(store, 'crm:opportunity:NOPE')).toBeNull();
    expect(await getDeal(store, '')).toBeNull();
    expect(await getDeal(store, "x' OR '1'='1")).toBeNull();
  });
});

describe('resolveKey', () => {
  it('resolves any key of a deal, including refs and an adopted orphan, and nothing else', async () => {
    expect(await resolveKey(store, 'erp:invoice:INV-A1')).toBe(DEAL_IDS.A);
    expect(await resolveKey(store, 'payments:payment:PAY-A1')).toBe(DEAL_IDS.A);
    expect(await resolveKey(store, 'psa:milestone:MS-A1')).toBe(DEAL_IDS.A);
    expect(await resolveKey(store, `clm:contract:${HOSTILE_CONTRACT_ID}`)).toBe(DEAL_IDS.C);
    expect(await resolveKey(store, 'crm:opportunity:OPP-B')).toBe(DEAL_IDS.B);
    expect(await resolveKey(store, 'erp:invoice:INV-A')).toBeNull();
    expect(await resolveKey(store, 'erp:invoice:NOPE')).toBeNull();
    expect(await resolveKey(store, 'not a key')).toBeNull();
  });

  it('resolves several keys in one read, leaving out those no deal has', async () => {
    const keys = ['erp:invoice:INV-A1', 'crm:opportunity:OPP-B', `clm:contract:${HOSTILE_CONTRACT_ID}`, 'erp:invoice:NOPE', 'not a key', 'erp:invoice:INV-A1'];
    expect(Object.fromEntries(await resolveKeys(store, keys))).toEqual({
      'erp:invoice:INV-A1': DEAL_IDS.A,
      'crm:opportunity:OPP-B': DEAL_IDS.B,
      [`clm:contract:${HOSTILE_CONTRACT_ID}`]: DEAL_IDS.C,
    });
    expect((await resolveKeys(store, [])).size).toBe(0);
  });
});

describe('getVariants', () => {
  it('groups deals by path with their share and judges conformance per billing model', async () => {
    const r = await getVariants(store, variantsQuerySchema.parse({}));
    expect(r).toMatchObject({ total_deals: 5, conforming_deals: 4, conformance: 0.8, judged_deals: 5, variant_count: 4, listed_variants: 4 });
    expect(r.variants.map((v) => [v.rank, v.billing_model, v.deals, v.share, v.conforming, v.missing, v.reordered])).toEqual([
      [1, 'fixed_fee', 2, 0.4, true, [], []],
      [2, 'fixed_fee', 1, 0.2, true, [], []],
      [3, 'retainer', 1, 0.2, false, [], ['contract.signed']],
      [4, 'time_and_materials', 1, 0.2, true, [], []],
    ]);
    expect(r.variants[0].path).toEqual(['opportunity.won', 'quote.approved']);
    expect(r.variants[1].path).toEqual([
      'opportunity.won', 'quote.approved', 'contract.signed', 'order.created', 'project.provisioned', 'billing_schedule.created',
      'resource.assigned', 'milestone.completed', 'invoice.issued', 'payment.received', 'cash.applied',
    ]);
    expect(r.variants[2].path).toEqual(['opportunity.won', 'contract.signed', 'quote.approved']);
    expect(r.models.map((m) => [m.billing_model, m.deals, m.conforming_deals, m.conformance, m.variants])).toEqual([
      ['fixed_fee', 3, 3, 1, 2],
      ['time_and_materials', 1, 1, 1, 1],
      ['retainer', 1, 0, 0, 1],
    ]);
  });

  it('applies the shared filters and the limit', async () => {
    const r = await getVariants(store, variantsQuerySchema.parse({ region: 'EMEA', limit: '1' }));
    expect(r).toMatchObject({ total_deals: 4, conforming_deals: 3, conformance: 0.75, variant_count: 3 });
    expect(r.variants).toHaveLength(1);
    const none = await getVariants(store, variantsQuerySchema.parse({ customer: "'; DROP TABLE deal_summary; --" }));
    expect(none).toEqual({ total_deals: 0, conforming_deals: 0, conformance: 0, judged_deals: 0, variant_count: 0, listed_variants: 0, matching_variants: 0, top_share: 0, models: [], variants: [] });
  });

  it('says so when there are more paths than it lists, and counts every deal all the same', async () => {
    // the cap at 2 of the 4 paths: the 3 deals on the two most common are judged (all on the
    // expected path); the shares stay of all 5 deals
    const r = await getVariants(store, variantsQuerySchema.parse({}), { maxVariants: 2 });
    expect(r).toMatchObject({ total_deals: 5, judged_deals: 3, conforming_deals: 3, conformance: 1, variant_count: 4, listed_variants: 2, matching_variants: 2, top_share: 0.4 });
    expect(r.variants.map((v) => [v.rank, v.deals, v.share])).toEqual([
      [1, 2, 0.4],
      [2, 1, 0.2],
    ]);
  });

  it('keeps only the paths on or off the expected path, ranked among all of them', async () => {
    const off = await getVariants(store, variantsQuerySchema.parse({ conforming: 'no' }));
    expect(off).toMatchObject({ total_deals: 5, variant_count: 4, matching_variants: 1, top_share: 0.4 });
    expect(off.variants.map((v) => [v.rank, v.billing_model, v.deals, v.conforming])).toEqual([[3, 'retainer', 1, false]]);
    const on = await getVariants(store, variantsQuerySchema.parse({ conforming: 'yes', limit: '2' }));
    expect(on).toMatchObject({ matching_variants: 3, top_share: 0.4 });
    expect(on.variants.map((v) => [v.rank, v.conforming])).toEqual([[1, true], [2, true]]);
  });

  it("drills down: the deals list filtered on a variant's path holds exactly its deals", async () => {
    const { variants } = await getVariants(store, variantsQuerySchema.parse({}));
    const seen: string[] = [];
    for (const v of variants) {
      const r = await list({ billing_model: v.billing_model, path: pathParam(v.path) });
      expect(r.deals, v.path.join(' > ')).toHaveLength(v.deals);
      expect(r.deals.every((d) => d.billing_model === v.billing_model)).toBe(true);
      seen.push(...ids(r));
    }
    expect(seen.sort()).toEqual(Object.values(DEAL_IDS).sort());
    // Without the billing model, the same path finds the deals of every model on it; a path
    // nobody took finds none.
    expect(ids(await list({ path: 'opportunity.won,quote.approved' }))).toHaveLength(2);
    expect(ids(await list({ path: 'opportunity.won' }))).toEqual([]);
    expect(ids(await list({ path: 'quote.approved,opportunity.won' }))).toEqual([]);
  });
});

describe('pathParamSchema', () => {
  it('reads steps joined by commas and refuses unknown or repeated steps with what a path may hold', () => {
    expect(pathParamSchema.parse(' opportunity.won, quote.approved ')).toEqual(['opportunity.won', 'quote.approved']);
    const unknown = pathParamSchema.safeParse("opportunity.won,'; DROP TABLE events; --");
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0].message).toMatch(/^unknown path step\(s\): "'; DROP TABLE events; --"; a path lists steps of opportunity.won, /);
    expect(pathParamSchema.safeParse('opportunity.won,opportunity.won').error?.issues[0].message).toBe('a path lists each step once (where it first happened)');
    expect(pathParamSchema.safeParse('').success).toBe(false);
  });
});
