// Xero collector: x-xero-signature, intent to receive, ids-only events.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { ev } from '@/lib/testing/events';
import { deliver, deliverAll, expectRoundTrip } from '../shared/test-support';
import { xeroCollector } from './collector';
import { expectedEventId, nativeRequests, signedXero } from './sender';

const KEY = 'xero-webhook-key-OSd0eLlVIY9ZhViEqlDUh4';
process.env.CASHTRACE_XERO_SECRET = KEY;
resetEnvForTests();
const fixture = (n: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', n), 'utf8');

describe('xero collector', () => {
  it('maps INVOICE CREATE to invoice.issued (UTC times) and keeps contacts as unmapped', async () => {
    const d = await deliver(xeroCollector, signedXero(fixture('invoice-created.json'), KEY));
    expect(d.events.map((e) => [e.type, e.entity_type, e.entity_id, e.occurred_at])).toEqual([
      ['invoice.issued', 'invoice', '2b6f3a0c-7d41-4e8b-9c2a-1f0e5d4c3b2a', '2026-03-05T01:02:03.456Z'],
      ['unmapped', 'customer', '717f2bfc-c6d4-41fd-b238-3f2f0c0cf777', '2026-03-05T01:02:04.000Z'],
    ]);
  });

  it('treats an empty events list as the intent-to-receive handshake; a bad signature is 401', async () => {
    const d = await deliver(xeroCollector, signedXero(fixture('intent-to-receive.json'), KEY));
    expect(d).toEqual({ events: [], handshake: true });
    await expect(deliver(xeroCollector, signedXero(fixture('intent-to-receive.json'), 'not-the-key'))).rejects.toMatchObject({ status: 401 });
  });

  it('round-trips ERP invoices and credit memos (ids only, as Xero sends them)', async () => {
    const sent = [
      ev({ source: 'erp', type: 'invoice.issued', entity_type: 'invoice', entity_id: 'INV-5' }),
      ev({ source: 'erp', type: 'credit_memo.issued', entity_type: 'credit_memo', entity_id: 'CM-5' }),
    ];
    expectRoundTrip(sent, await deliverAll(xeroCollector, nativeRequests(sent, { secret: KEY })), { idOf: expectedEventId });
  });
});
