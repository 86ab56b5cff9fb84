// Renders canonical erp invoice.issued / credit_memo.issued / cash.applied events as
// QuickBooks Online CloudEvents deliveries, with the entity snapshot (as the Accounting
// API returns it) in `data` so amounts and refs survive; signed with intuit-signature.

import crypto from 'node:crypto';
import type { CanonicalEvent } from '@/lib/events/schema';
import { parseEntityKey } from '@/lib/events/entity-key';
import { chunk, type NativeRequest, type SenderOptions } from '../shared/native';
import { hmacSha256 } from '../shared/signature';

export const QUICKBOOKS_PATH = '/api/ingest/quickbooks';
export const QBO_REALM = '9341453012345678';
const ENTITY: Record<string, [string, string]> = { 'invoice.issued': ['invoice', 'Invoice'], 'credit_memo.issued': ['creditmemo', 'CreditMemo'], 'cash.applied': ['payment', 'Payment'] };

function snapshot(e: CanonicalEvent, name: string): Record<string, unknown> {
  const s: Record<string, unknown> = { Id: e.entity_id, DocNumber: e.entity_id, TxnDate: e.occurred_at.slice(0, 10), TotalAmt: e.amount ?? undefined, CurrencyRef: e.currency ? { value: e.currency } : undefined };
  if (e.due_at) s.DueDate = e.due_at.slice(0, 10);
  const custom = new Map<string, string[]>();
  const invoices: string[] = [];
  for (const ref of e.refs) {
    const k = parseEntityKey(ref)!;
    if (name === 'Payment' && k.source === 'erp' && k.entity_type === 'invoice') invoices.push(k.entity_id);
    else if (name === 'Payment' && k.source === 'payments' && k.entity_type === 'payment') s.PaymentRefNum = k.entity_id;
    else custom.set(`${k.source}:${k.entity_type}`, [...(custom.get(`${k.source}:${k.entity_type}`) ?? []), k.entity_id]);
  }
  if (custom.size > 0) s.CustomField = [...custom].map(([n, ids], i) => ({ DefinitionId: String(i + 1), Name: n, Type: 'StringType', StringValue: ids.join(',') }));
  if (invoices.length > 0) s.Line = invoices.map((id) => ({ Amount: null, LinkedTxn: [{ TxnId: id, TxnType: 'Invoice' }] }));
  return s;
}

export function qboCloudEvent(e: CanonicalEvent): Record<string, unknown> | null {
  const m = ENTITY[e.type];
  if (!m || e.source !== 'erp') return null;
  return {
    specversion: '1.0',
    id: e.event_id,
    source: `intuit.${crypto.createHash('sha256').update(QBO_REALM).digest('base64')}`,
    type: `qbo.${m[0]}.created.v1`,
    datacontenttype: 'application/json',
    time: e.occurred_at,
    intuitentityid: e.entity_id,
    intuitaccountid: QBO_REALM,
    data: { [m[1]]: snapshot(e, m[1]) },
  };
}

export function nativeRequests(events: CanonicalEvent[], opts: SenderOptions): NativeRequest[] {
  const items = events.map(qboCloudEvent).filter((x): x is Record<string, unknown> => x !== null);
  return chunk(items, 100).map((batch) => {
    const body = JSON.stringify(batch);
    return { path: QUICKBOOKS_PATH, method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': hmacSha256(opts.secret ?? '', body, 'base64') }, body };
  });
}
