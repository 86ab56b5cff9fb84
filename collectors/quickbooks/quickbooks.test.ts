// QuickBooks Online collector: both formats, intuit-signature, enrichment round trip.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { ev } from '@/lib/testing/events';
import { hmacSha256 } from '../shared/signature';
import { deliver, deliverAll, expectRoundTrip } from '../shared/test-support';
import { quickbooksCollector } from './collector';
import { nativeRequests, QUICKBOOKS_PATH } from './sender';

const TOKEN = 'qbo-verifier-token-1b2c3d';
process.env.CASHTRACE_QUICKBOOKS_SECRET = TOKEN;
resetEnvForTests();
const fixture = (n: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', n), 'utf8');
const signed = (b: string, key = TOKEN) => ({ path: QUICKBOOKS_PATH, method: 'POST' as const, headers: { 'content-type': 'application/json', 'intuit-signature': hmacSha256(key, b, 'base64') }, body: b });

describe('quickbooks collector', () => {
  it('maps the CloudEvents format; unknown entities become unmapped', async () => {
    const d = await deliver(quickbooksCollector, signed(fixture('cloudevents.json')));
    expect(d.events.map((e) => [e.event_id, e.type, e.entity_type, e.entity_id])).toEqual([
      ['88cd52aa-33b6-4351-9aa4-47572edbd068', 'invoice.issued', 'invoice', '1037'],
      ['5f0b7c1e-9d2a-4e3b-8c4d-6a7b8c9d0e1f', 'unmapped', 'customer', '58'],
    ]);
  });

  it('maps the legacy eventNotifications format with stable hashed ids', async () => {
    const a = await deliver(quickbooksCollector, signed(fixture('legacy.json')));
    const b = await deliver(quickbooksCollector, signed(fixture('legacy.json')));
    expect(a.events.map((e) => [e.type, e.entity_type, e.entity_id])).toEqual([
      ['cash.applied', 'cash_application', '212'],
      ['credit_memo.issued', 'credit_memo', '96'],
      ['unmapped', 'estimate', '41'],
    ]);
    expect(a.events.map((e) => e.event_id)).toEqual(b.events.map((e) => e.event_id));
  });

  it('rejects a wrong or missing intuit-signature', async () => {
    await expect(deliver(quickbooksCollector, signed(fixture('legacy.json'), 'wrong'))).rejects.toMatchObject({ status: 401 });
    const r = signed(fixture('legacy.json'));
    await expect(deliver(quickbooksCollector, { ...r, headers: { 'content-type': 'application/json' } })).rejects.toMatchObject({ status: 401 });
  });

  it('round-trips ERP events with amounts and refs through the enriched CloudEvents sender', async () => {
    const sent = [
      ev({ source: 'erp', type: 'invoice.issued', entity_type: 'invoice', entity_id: 'INV-9', refs: ['erp:sales_order:SO-1', 'psa:milestone:MS-1', 'psa:milestone:MS-2'], amount: 4200.5, currency: 'GBP', due_at: '2026-05-01T00:00:00Z' }),
      ev({ source: 'erp', type: 'cash.applied', entity_type: 'cash_application', entity_id: 'CA-3', refs: ['erp:invoice:INV-9', 'payments:payment:PAY-4'], amount: 4200.5, currency: 'GBP' }),
      ev({ source: 'erp', type: 'credit_memo.issued', entity_type: 'credit_memo', entity_id: 'CM-2', refs: ['erp:invoice:INV-9'], amount: 100, currency: 'GBP' }),
    ];
    const got = await deliverAll(quickbooksCollector, nativeRequests(sent, { secret: TOKEN }));
    expectRoundTrip(sent, got);
    expect(got.find((e) => e.entity_id === 'INV-9')?.due_at).toBe('2026-05-01T00:00:00.000Z');
  });
});
