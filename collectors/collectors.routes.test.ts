// Every collector over real HTTP (collectors/server.ts) against a real chDB: native
// senders in, canonical events stored; bad input per collector gets the right status and
// loses nothing already accepted; a deal whose events arrive in reverse order across
// systems is stitched whole and found from each of its keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { sql } from '@/lib/clickhouse/sql';
import type { Store } from '@/lib/clickhouse/client';
import type { CanonicalEvent } from '@/lib/events/schema';
import type { Runtime } from '@/lib/runtime';
import { ev } from '@/lib/testing/events';
import { COLLECTORS } from './registry';
import { startCollectorTestServer, type CollectorTestServer } from './shared/test-server';
import type { NativeRequest } from './shared/native';
import { hmacSha256, timestampedHmacHeader } from './shared/signature';
import { hubspotSignature } from './hubspot/sender';

const TOKEN = 'ct_ingest_test_token_0123456789';
const SECRETS = { stripe: 'whsec_route_test', hubspot: 'hs-secret', docusign: 'ds-key', quickbooks: 'qbo-token', xero: 'xero-key', netsuite: 'ns-secret' } as const;
Object.assign(process.env, {
  CASHTRACE_INGEST_TOKEN: TOKEN,
  CASHTRACE_MAX_BODY_BYTES: String(256 * 1024),
  CASHTRACE_BATCH_MAX_WAIT_MS: '10',
  CASHTRACE_STRIPE_SECRET: SECRETS.stripe,
  CASHTRACE_HUBSPOT_SECRET: SECRETS.hubspot,
  CASHTRACE_DOCUSIGN_SECRET: SECRETS.docusign,
  CASHTRACE_QUICKBOOKS_SECRET: SECRETS.quickbooks,
  CASHTRACE_XERO_SECRET: SECRETS.xero,
  CASHTRACE_NETSUITE_SECRET: SECRETS.netsuite,
});
resetEnvForTests();

let store: Store;
let rt: Runtime;
let t: CollectorTestServer;
let base = '';

beforeAll(async () => {
  // The canonical endpoint too, so the bench compares on the same server.
  t = await startCollectorTestServer({ '/api/ingest/events': async () => (await import('@/app/api/ingest/events/route')).POST });
  ({ store, rt, base } = t);
});
afterAll(async () => {
  await t?.close();
});

const senderOpts = (name: keyof typeof COLLECTORS) => ({ secret: (SECRETS as Record<string, string>)[name], token: TOKEN, baseUrl: base });
const post = (n: NativeRequest) => fetch(base + n.path, { method: 'POST', headers: n.headers, body: typeof n.body === 'string' ? n.body : new Uint8Array(n.body) });
const num = async (q: ReturnType<typeof sql>) => Number((await store.query<{ c: string }>(q))[0].c);
const countEvents = () => num(sql`SELECT count() AS c FROM events`);
const countDead = (collector: string) => num(sql`SELECT count() AS c FROM dead_letters WHERE collector = ${collector}`);

/** A request to `name` with an arbitrary body, signed (or token-authenticated) as that sender would. */
function signed(name: string, body: string, contentType = 'application/json', extra: Record<string, string> = {}): NativeRequest {
  const path = `/api/ingest/${name}`;
  const h: Record<string, string> = { 'content-type': contentType, ...extra };
  const now = new Date();
  if (name === 'stripe') h['stripe-signature'] = timestampedHmacHeader(body, SECRETS.stripe, now);
  else if (name === 'netsuite') h['x-cashtrace-signature'] = timestampedHmacHeader(body, SECRETS.netsuite, now);
  else if (name === 'hubspot') {
    h['x-hubspot-request-timestamp'] = String(now.getTime());
    h['x-hubspot-signature-v3'] = hubspotSignature(SECRETS.hubspot, 'POST', `${base}${path}`, body, h['x-hubspot-request-timestamp']);
  } else if (name === 'docusign') h['x-docusign-signature-1'] = hmacSha256(SECRETS.docusign, body, 'base64');
  else if (name === 'quickbooks') h['intuit-signature'] = hmacSha256(SECRETS.quickbooks, body, 'base64');
  else if (name === 'xero') h['x-xero-signature'] = hmacSha256(SECRETS.xero, body, 'base64');
  else h.authorization = `Bearer ${TOKEN}`;
  return { path, method: 'POST', headers: h, body };
}

const FILE_MAPPING = JSON.stringify({ source: 'psa', type: 'project.provisioned', entity_type: 'project', columns: { entity_id: 'id', occurred_at: 'at' } });

/** One deal across every system, in journey order. */
function deal(n: string): { events: CanonicalEvent[]; via: (keyof typeof COLLECTORS)[] } {
  const at = (h: number) => new Date(Date.UTC(2026, 2, 2, 9 + h)).toISOString();
  const events = [
    ev({ source: 'crm', type: 'opportunity.won', entity_type: 'opportunity', entity_id: `006${n}`, amount: 90000, currency: 'USD', occurred_at: at(0), attributes: { region: 'EMEA' } }),
    ev({ source: 'cpq', type: 'quote.approved', entity_type: 'quote', entity_id: `Q-${n}`, refs: [`crm:opportunity:006${n}`], amount: 90000, currency: 'USD', occurred_at: at(1) }),
    ev({ source: 'clm', type: 'contract.signed', entity_type: 'contract', entity_id: `CTR-${n}`, refs: [`cpq:quote:Q-${n}`], amount: 90000, currency: 'USD', occurred_at: at(2) }),
    ev({ source: 'erp', type: 'order.created', entity_type: 'sales_order', entity_id: `SO-${n}`, refs: [`crm:opportunity:006${n}`, `clm:contract:CTR-${n}`], amount: 90000, currency: 'USD', occurred_at: at(3) }),
    ev({ source: 'psa', type: 'project.provisioned', entity_type: 'project', entity_id: `PRJ-${n}`, refs: [`clm:contract:CTR-${n}`], occurred_at: at(4) }),
    ev({ source: 'psa', type: 'milestone.completed', entity_type: 'milestone', entity_id: `MS-${n}`, refs: [`psa:project:PRJ-${n}`], amount: 30000, currency: 'USD', occurred_at: at(5) }),
    ev({ source: 'middleware', type: 'sync.succeeded', entity_type: 'sync', entity_id: `RUN-${n}`, refs: [`psa:milestone:MS-${n}`], amount: 30000, currency: 'USD', occurred_at: at(6), attributes: { flow_source: 'psa', flow_target: 'erp' } }),
    ev({ source: 'erp', type: 'invoice.issued', entity_type: 'invoice', entity_id: `INV-${n}`, refs: [`erp:sales_order:SO-${n}`, `psa:milestone:MS-${n}`], amount: 30000, currency: 'USD', occurred_at: at(7), due_at: at(700) }),
    ev({ source: 'payments', type: 'payment.received', entity_type: 'payment', entity_id: `pi_${n}`, refs: [`erp:invoice:INV-${n}`], amount: 30000, currency: 'USD', occurred_at: at(8) }),
    ev({ source: 'erp', type: 'cash.applied', entity_type: 'cash_application', entity_id: `CA-${n}`, refs: [`payments:payment:pi_${n}`, `erp:invoice:INV-${n}`], amount: 30000, currency: 'USD', occurred_at: at(9) }),
  ];
  return { events, via: ['salesforce', 'salesforce', 'docusign', 'netsuite', 'files', 'files', 'cloudevents', 'netsuite', 'stripe', 'quickbooks'] };
}

describe('collectors over HTTP', () => {
  it('stitches a deal whose events arrive in reverse order through nine different collectors', async () => {
    const d = deal('D1');
    for (let i = d.events.length - 1; i >= 0; i--) {
      const name = d.via[i];
      const reqs = COLLECTORS[name].sender([d.events[i]], senderOpts(name));
      expect(reqs.length, `${name} renders ${d.events[i].type}`).toBe(1);
      const res = await post(reqs[0]);
      expect(res.status, `${name}: ${await res.clone().text()}`).toBeLessThan(300);
    }
    const keys = d.events.map((e) => `${e.source}:${e.entity_type}:${e.entity_id}`);
    const rows = await store.query<{ entity_key: string; correlation_id: string }>(sql`SELECT entity_key, correlation_id FROM events WHERE entity_key IN ${keys}`);
    expect(rows.length).toBe(d.events.length);
    const deals = new Set(rows.map((r) => r.correlation_id));
    expect(deals.size).toBe(1);
    expect([...deals][0]).not.toBe('');
    // Found from each of its keys.
    for (const e of d.events) {
      const found = await store.query<{ correlation_id: string }>(sql`SELECT DISTINCT correlation_id FROM deal_keys WHERE entity_id = ${e.entity_id}`);
      expect(found.map((f) => f.correlation_id), e.entity_id).toEqual([...deals]);
    }
  });

  it('deduplicates replayed deliveries of every collector', async () => {
    const d = deal('D2');
    for (let i = 0; i < d.events.length; i++) {
      const name = d.via[i];
      const [req] = COLLECTORS[name].sender([d.events[i]], senderOpts(name));
      expect((await post(req)).status).toBeLessThan(300);
      const before = await countEvents();
      const again = await post({ ...req, headers: { ...req.headers } });
      expect(again.status, name).toBeLessThan(300);
      if (name !== 'files') expect(await countEvents(), `${name} replay`).toBe(before);
    }
    // The files collector answers with counts: the re-upload is all duplicates.
    const [f] = COLLECTORS.files.sender([d.events[4]], senderOpts('files'));
    expect(await (await post(f)).json()).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it.each(Object.keys(COLLECTORS))('%s: bad input gets the right status and loses nothing accepted', async (name) => {
    const before = await countEvents();
    const deadBefore = await countDead(name);
    const ct = name === 'files' ? 'text/csv' : 'application/json';
    const extra: Record<string, string> = name === 'files' ? { 'x-cashtrace-mapping': FILE_MAPPING } : {};
    // Wrong credentials.
    const good = signed(name, name === 'files' ? 'id,at\nP1,2026-03-01\n' : '[]', ct, extra);
    const forged = { ...good, headers: Object.fromEntries(Object.entries(good.headers).map(([k, v]) => [k, /signature|authorization/.test(k) ? (k === 'authorization' ? 'Bearer wrong-token-0000000000' : 'AAAA' + v.slice(4)) : v])) };
    expect((await post(forged)).status).toBe(401);
    // Missing credentials.
    const bare = { ...good, headers: { 'content-type': ct, ...extra } };
    expect((await post(bare)).status).toBe(401);
    // Wrong content type.
    expect((await post(signed(name, 'hello', 'text/plain', extra))).status).toBe(415);
    // Malformed body: 400, kept in dead letters with its raw bytes.
    const malformed = name === 'files' ? 'id,at\n"P1,2026-03-01\n' : '{"not json';
    const m = await post(signed(name, malformed, name === 'salesforce' ? 'application/json' : ct, extra));
    expect(m.status).toBe(400);
    expect(await countDead(name)).toBe(deadBefore + 1);
    // Oversize body: 413.
    const big = signed(name, `[${'"x",'.repeat(80_000)}"x"]`, ct, extra);
    expect((await post(big)).status).toBe(413);
    expect(await countEvents()).toBe(before);
  });

  it('keeps unknown vendor event types as unmapped', async () => {
    const stripeEvt = { id: 'evt_unknown_1', object: 'event', created: 1772442000, type: 'customer.subscription.trial_will_end', data: { object: { id: 'sub_1', object: 'subscription' } } };
    expect((await post(signed('stripe', JSON.stringify(stripeEvt)))).status).toBe(200);
    const ce = { specversion: '1.0', id: 'ce-unknown-1', source: '/x', type: 'com.acme.widget.frobbed', subject: 'W-1', time: '2026-03-02T09:00:00Z', data: { entity_type: 'widget' } };
    expect((await post(signed('cloudevents', JSON.stringify(ce), 'application/cloudevents+json'))).status).toBe(202);
    const rows = await store.query<{ event_id: string; type: string }>(sql`SELECT event_id, type FROM events WHERE event_id IN ${['evt_unknown_1', 'ce-unknown-1']} ORDER BY event_id`);
    expect(rows).toEqual([{ event_id: 'ce-unknown-1', type: 'unmapped' }, { event_id: 'evt_unknown_1', type: 'unmapped' }]);
  });

  it('rejects an expired Stripe signature and an old HubSpot timestamp with 401', async () => {
    const body = '{"id":"evt_x","object":"event","type":"invoice.paid","created":1,"data":{"object":{}}}';
    const old = new Date(Date.now() - 10 * 60_000);
    const r = await post({ path: '/api/ingest/stripe', method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': timestampedHmacHeader(body, SECRETS.stripe, old) }, body });
    expect(r.status).toBe(401);
    expect((await r.json()).error.message).toMatch(/tolerance/);
    const ts = String(old.getTime());
    const h = await post({ path: '/api/ingest/hubspot', method: 'POST', headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': ts, 'x-hubspot-signature-v3': hubspotSignature(SECRETS.hubspot, 'POST', `${base}/api/ingest/hubspot`, '[]', ts) }, body: '[]' });
    expect(h.status).toBe(401);
  });

  it('answers Xero intent-to-receive with 200 and an empty body, or 401', async () => {
    const itr = '{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"YOSAHKZYGDWBBTZVYSQS"}';
    const ok = await post(signed('xero', itr));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('');
    const bad = await post({ ...signed('xero', itr), headers: { 'content-type': 'application/json', 'x-xero-signature': hmacSha256('wrong', itr, 'base64') } });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toBe('');
  });

  it('answers a Salesforce Outbound Message with the SOAP Ack envelope (token in the URL)', async () => {
    const { outboundMessage } = await import('./salesforce/sender');
    const e = ev({ source: 'crm', type: 'opportunity.won', entity_type: 'opportunity', entity_id: '006OM1', amount: 1000, currency: 'USD' });
    const res = await post(outboundMessage([e], { token: TOKEN }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await res.text()).toMatch(/<notificationsResponse xmlns="http:\/\/soap.sforce.com\/2005\/09\/outbound">\s*<Ack>true<\/Ack>/);
    const denied = await post(outboundMessage([e], { token: 'wrong-token-000000000000' }));
    expect(denied.status).toBe(401);
    expect(await denied.text()).toMatch(/soapenv:Fault/);
  });

  it('serves the same handlers as Next.js route modules', async () => {
    const modules = await Promise.all([
      import('@/app/api/ingest/salesforce/route'), import('@/app/api/ingest/hubspot/route'), import('@/app/api/ingest/docusign/route'),
      import('@/app/api/ingest/stripe/route'), import('@/app/api/ingest/quickbooks/route'), import('@/app/api/ingest/xero/route'),
      import('@/app/api/ingest/netsuite/route'), import('@/app/api/ingest/cloudevents/route'), import('@/app/api/ingest/files/route'), import('@/app/v1/traces/route'),
    ]);
    const e = ev({ source: 'payments', type: 'payment.received', entity_type: 'payment', entity_id: 'pi_route_1', refs: ['erp:invoice:INV-R1'], amount: 5, currency: 'EUR' });
    const [req] = COLLECTORS.stripe.sender([e], senderOpts('stripe'));
    const res = await modules[3].POST(new Request(`${base}${req.path}`, { method: 'POST', headers: req.headers, body: req.body as string }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: true, accepted: 1 });
    for (const mod of modules) expect((await mod.POST(new Request(`${base}/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }))).status).toBe(401);
  });
});

describe('collector bench', () => {
  it('measures each collector end to end and against the canonical endpoint on the same events', async () => {
    const { benchCollectors, benchCollectorParsing } = await import('./bench');
    const events = [...deal('B1').events, ...deal('B2').events];
    const before = await countEvents();
    const rows = await benchCollectors(base, events, { token: TOKEN, secrets: { ...SECRETS }, concurrency: 2 });
    expect(rows.map((r) => r.collector).sort()).toEqual(Object.keys(COLLECTORS).sort());
    for (const r of rows) {
      expect(r.events).toBeGreaterThan(0);
      expect(r.eventsPerSecond).toBeGreaterThan(0);
      expect(r.ratioToCanonical).toBeGreaterThan(0);
    }
    // Every measured event was stored (collector run and canonical run each).
    const measured = rows.reduce((s, r) => s + r.events, 0);
    expect(await countEvents()).toBe(before + 2 * measured);
    const parsing = await benchCollectorParsing(events);
    // NetSuite carries the deals' ERP order, invoice and cash application: 3 per deal.
    expect(parsing.find((r) => r.collector === 'netsuite')?.events).toBe(6);
  });
});
