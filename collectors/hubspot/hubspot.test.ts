// HubSpot collector: v3 signatures made by @hubspot/api-client's Signature utility.
import fs from 'node:fs';
import path from 'node:path';
import { Signature } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { ev } from '@/lib/testing/events';
import { deliver, deliverAll, expectRoundTrip } from '../shared/test-support';
import { hubspotCollector } from './collector';
import { HUBSPOT_PATH, nativeRequests } from './sender';

const SECRET = 'hubspot-client-secret-7c1e0f';
process.env.CASHTRACE_HUBSPOT_SECRET = SECRET;
resetEnvForTests();
const BASE = 'https://cashtrace.example.com';
const URL_ = `${BASE}${HUBSPOT_PATH}`;
const body = fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'deal-won-batch.json'), 'utf8');

function signed(b: string, timestamp = Date.now(), secret = SECRET) {
  const signature = Signature.getSignature('POST', 'v3', { clientSecret: secret, requestBody: b, url: URL_, timestamp, signature: '' });
  return { path: HUBSPOT_PATH, method: 'POST' as const, headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) }, body: b };
}

describe('hubspot collector', () => {
  it('maps a won deal with its amount folded in and keeps other events as unmapped', async () => {
    const d = await deliver(hubspotCollector, signed(body), BASE);
    expect(d.events).toHaveLength(2);
    expect(d.events[0]).toMatchObject({ event_id: '3816279340', type: 'opportunity.won', source: 'crm', entity_type: 'opportunity', entity_id: '18325906017', amount: 185000 });
    expect(d.events[1]).toMatchObject({ type: 'unmapped', entity_type: 'contact', entity_id: '901', attributes: { native_type: 'contact.creation' } });
  });

  it('rejects wrong secret, missing headers and a timestamp older than 5 minutes', async () => {
    await expect(deliver(hubspotCollector, signed(body, Date.now(), 'other'), BASE)).rejects.toMatchObject({ status: 401 });
    await expect(deliver(hubspotCollector, { ...signed(body), headers: { 'content-type': 'application/json' } }, BASE)).rejects.toMatchObject({ status: 401 });
    await expect(deliver(hubspotCollector, signed(body, Date.now() - 301_000), BASE)).rejects.toThrow(/tolerance/);
    // Signed for another URL (HubSpot signs the full URI).
    await expect(deliver(hubspotCollector, signed(body), 'https://evil.example.com')).rejects.toMatchObject({ status: 401 });
  });

  it('signs the URI with the escapes HubSpot decodes (%3A) and keeps the others (%26)', async () => {
    const ts = String(Date.now());
    const sig = Signature.getSignature('POST', 'v3', { clientSecret: SECRET, requestBody: body, url: `${URL_}?app=a:b&x=c%26d`, timestamp: Number(ts), signature: '' });
    const d = await deliver(hubspotCollector, { path: `${HUBSPOT_PATH}?app=a%3Ab&x=c%26d`, method: 'POST', headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': sig, 'x-hubspot-request-timestamp': ts }, body }, BASE);
    expect(d.events).toHaveLength(2);
  });

  it('honours the forwarded host and proto of a reverse proxy', async () => {
    const r = signed(body);
    const d = await deliver(hubspotCollector, { ...r, headers: { ...r.headers, 'x-forwarded-host': 'cashtrace.example.com', 'x-forwarded-proto': 'https' } }, 'http://10.0.0.5:3000');
    expect(d.events.length).toBe(2);
  });

  it('round-trips won deals through the sender and verifies with the HubSpot library', async () => {
    const sent = Array.from({ length: 40 }, (_, i) =>
      ev({ source: 'crm', type: 'opportunity.won', entity_type: 'opportunity', entity_id: String(9000 + i), event_id: String(7000 + i), amount: 1000 + i, currency: 'EUR' }),
    );
    const reqs = nativeRequests(sent, { secret: SECRET, baseUrl: BASE });
    expect(reqs.length).toBe(2);
    for (const r of reqs) {
      expect(Signature.isValid({ signatureVersion: 'v3', method: 'POST', url: URL_, clientSecret: SECRET, requestBody: String(r.body), signature: r.headers['x-hubspot-signature-v3'], timestamp: Number(r.headers['x-hubspot-request-timestamp']) })).toBe(true);
    }
    expectRoundTrip(sent, await deliverAll(hubspotCollector, reqs, BASE));
  });
});
