// NetSuite collector: our signed contract, refs from custbody fields, bad records dead-lettered.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { ev } from '@/lib/testing/events';
import { deliver, deliverAll, expectRoundTrip } from '../shared/test-support';
import { netsuiteCollector } from './collector';
import { nativeRequests, NETSUITE_PATH, signNetsuite } from './sender';

const SECRET = 'netsuite-shared-secret-42';
process.env.CASHTRACE_NETSUITE_SECRET = SECRET;
resetEnvForTests();
const body = fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'records.json'), 'utf8');
const signed = (b: string, now = new Date(), secret = SECRET) => ({ path: NETSUITE_PATH, method: 'POST' as const, headers: { 'content-type': 'application/json', 'x-cashtrace-signature': signNetsuite(b, secret, now) }, body: b });

describe('netsuite collector', () => {
  it('maps sales orders and invoices with their refs, keeps unknown record types, dead-letters broken ones', async () => {
    const d = await deliver(netsuiteCollector, signed(body));
    expect(d.events).toHaveLength(3);
    expect(d.events[0]).toMatchObject({ event_id: '3c9b8f0e-2f4a-4d8e-9a61-5b7c2d1e0f93', type: 'order.created', entity_type: 'sales_order', entity_id: 'SO-7781', amount: 185000, refs: ['crm:opportunity:0065e00000XyZ12AAB', 'clm:contract:93be49ab-1f2c-4d5e-8a9b-f752070d71ec'], attributes: { legal_entity: 'US-01' } });
    expect(d.events[1]).toMatchObject({ type: 'invoice.issued', entity_id: 'INV-20417', refs: ['psa:milestone:MS-1', 'erp:sales_order:SO-7781'], due_at: '2026-05-01T00:00:00.000Z' });
    expect(d.events[2]).toMatchObject({ type: 'unmapped', entity_type: 'journalentry', entity_id: 'JE-311' });
    expect(d.events[2].event_id).toMatch(/^netsuite:[0-9a-f]{32}$/);
    expect(d.invalid?.[0].errors[0]).toMatch(/recordType/);
  });

  it('rejects wrong, missing and stale signatures', async () => {
    await expect(deliver(netsuiteCollector, signed(body, new Date(), 'wrong'))).rejects.toMatchObject({ status: 401 });
    await expect(deliver(netsuiteCollector, signed(body, new Date(Date.now() - 400_000)))).rejects.toThrow(/tolerance/);
    await expect(deliver(netsuiteCollector, { ...signed(body), headers: { 'content-type': 'application/json' } })).rejects.toMatchObject({ status: 401 });
  });

  it('round-trips every ERP event type through the sender', async () => {
    const sent = [
      ev({ source: 'erp', type: 'order.created', entity_type: 'sales_order', entity_id: 'SO-1', refs: ['crm:opportunity:OPP-1', 'clm:contract:CTR-1'], amount: 100000, currency: 'EUR' }),
      ev({ source: 'erp', type: 'billing_schedule.created', entity_type: 'billing_schedule', entity_id: 'BS-1', refs: ['erp:sales_order:SO-1', 'psa:project:PRJ-1'], amount: 100000 }),
      ev({ source: 'erp', type: 'billing_schedule.updated', entity_type: 'billing_schedule', entity_id: 'BS-1', refs: ['cpq:change_order:CO-1'], amount: 120000 }),
      ev({ source: 'erp', type: 'invoice.issued', entity_type: 'invoice', entity_id: 'INV-1', refs: ['erp:sales_order:SO-1', 'psa:timesheet:TS-1', 'psa:timesheet:TS-2'], amount: 9000, due_at: '2026-04-30T00:00:00Z' }),
      ev({ source: 'erp', type: 'cash.applied', entity_type: 'cash_application', entity_id: 'CA-1', refs: ['payments:payment:PAY-1', 'erp:invoice:INV-1'], amount: 9000 }),
      ev({ source: 'erp', type: 'credit_memo.issued', entity_type: 'credit_memo', entity_id: 'CM-1', refs: ['erp:invoice:INV-1'], amount: 500, attributes: { reason: 'integration_error' } }),
    ];
    const got = await deliverAll(netsuiteCollector, nativeRequests(sent, { secret: SECRET }));
    expectRoundTrip(sent, got);
    expect(got.find((e) => e.entity_id === 'CM-1')?.attributes.reason).toBe('integration_error');
  });
});
