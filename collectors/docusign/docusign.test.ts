// DocuSign Connect collector: HMAC headers, custom fields as refs, sender round trip.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { ev } from '@/lib/testing/events';
import { hmacSha256 } from '../shared/signature';
import { deliver, deliverAll, expectRoundTrip } from '../shared/test-support';
import { docusignCollector } from './collector';
import { DOCUSIGN_PATH, expectedEventId, nativeRequests } from './sender';

const KEY = 'connect-hmac-key-b64-abc123==';
process.env.CASHTRACE_DOCUSIGN_SECRET = `old-connect-key,${KEY}`;
resetEnvForTests();
const body = fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'envelope-completed.json'), 'utf8');
const req = (b: string, headers: Record<string, string>) => ({ path: DOCUSIGN_PATH, method: 'POST' as const, headers: { 'content-type': 'application/json', ...headers }, body: b });

describe('docusign collector', () => {
  it('maps envelope-completed to contract.signed with refs from custom fields; any signature header may match', async () => {
    const d = await deliver(docusignCollector, req(body, { 'x-docusign-signature-1': hmacSha256('retired-key', body, 'base64'), 'x-docusign-signature-2': hmacSha256(KEY, body, 'base64') }));
    expect(d.events[0]).toMatchObject({
      event_id: 'docusign:93be49ab-1f2c-4d5e-8a9b-f752070d71ec:envelope-completed',
      source: 'clm',
      type: 'contract.signed',
      entity_type: 'contract',
      entity_id: '93be49ab-1f2c-4d5e-8a9b-f752070d71ec',
      refs: ['cpq:quote:Q-00421', 'crm:opportunity:0065e00000XyZ12AAB'],
      amount: 185000,
      currency: 'USD',
      occurred_at: '2026-03-04T15:12:40.553Z',
    });
  });

  it('keeps other envelope events as unmapped', async () => {
    const sent = body.replace('"envelope-completed"', '"envelope-voided"');
    const d = await deliver(docusignCollector, req(sent, { 'x-docusign-signature-1': hmacSha256(KEY, sent, 'base64') }));
    expect(d.events[0]).toMatchObject({ type: 'unmapped', entity_type: 'contract', attributes: { native_type: 'envelope-voided' } });
  });

  it('rejects missing and wrong signatures', async () => {
    await expect(deliver(docusignCollector, req(body, {}))).rejects.toMatchObject({ status: 401 });
    await expect(deliver(docusignCollector, req(body, { 'x-docusign-signature-1': hmacSha256('nope', body, 'base64') }))).rejects.toMatchObject({ status: 401 });
  });

  it('round-trips contract events through the sender', async () => {
    const sent = [
      ev({ source: 'clm', type: 'contract.signed', entity_type: 'contract', entity_id: 'CTR-100', refs: ['cpq:quote:Q-1', 'crm:opportunity:OPP-1'], amount: 250000, currency: 'EUR' }),
      ev({ source: 'clm', type: 'contract.amended', entity_type: 'amendment', entity_id: 'AM-7', refs: ['clm:contract:CTR-100', 'cpq:change_order:CO-3'], amount: 275000, currency: 'EUR' }),
    ];
    const reqs = nativeRequests(sent, { secret: KEY });
    expectRoundTrip(sent, await deliverAll(docusignCollector, reqs), { idOf: expectedEventId });
  });
});
