// Renders canonical erp invoice.issued / credit_memo.issued events as Xero webhook
// deliveries (ids only, as Xero sends them), signed with x-xero-signature.

import crypto from 'node:crypto';
import type { CanonicalEvent } from '@/lib/events/schema';
import { chunk, type NativeRequest, type SenderOptions } from '../shared/native';
import { hmacSha256 } from '../shared/signature';
import { xeroEventId } from './collector';

export const XERO_PATH = '/api/ingest/xero';
export const XERO_TENANT = '4e2c9b77-0a1f-4d7e-9c55-2b1e3f4a5d6c';
const CATEGORY: Record<string, [string, string]> = { 'invoice.issued': ['INVOICE', 'Invoices'], 'credit_memo.issued': ['CREDITNOTE', 'CreditNotes'] };

/** Xero's time format: UTC without a zone designator. */
const xeroTime = (iso: string) => iso.replace('Z', '');

export function xeroEvent(e: CanonicalEvent): Record<string, unknown> | null {
  const c = CATEGORY[e.type];
  if (!c || e.source !== 'erp') return null;
  return {
    resourceUrl: `https://api.xero.com/api.xro/2.0/${c[1]}/${encodeURIComponent(e.entity_id)}`,
    resourceId: e.entity_id,
    eventDateUtc: xeroTime(e.occurred_at),
    eventType: 'CREATE',
    eventCategory: c[0],
    tenantId: XERO_TENANT,
    tenantType: 'ORGANISATION',
  };
}

export function expectedEventId(e: CanonicalEvent): string {
  const x = xeroEvent(e)!;
  return xeroEventId({ tenantId: XERO_TENANT, eventCategory: String(x.eventCategory), resourceId: e.entity_id, eventType: 'CREATE', eventDateUtc: String(x.eventDateUtc) });
}

export function signedXero(body: string, secret: string): NativeRequest {
  return { path: XERO_PATH, method: 'POST', headers: { 'content-type': 'application/json', 'x-xero-signature': hmacSha256(secret, body, 'base64') }, body };
}

export function nativeRequests(events: CanonicalEvent[], opts: SenderOptions): NativeRequest[] {
  const items = events.map(xeroEvent).filter((x): x is Record<string, unknown> => x !== null);
  let seq = 1;
  return chunk(items, 100).map((batch) => {
    const body = JSON.stringify({ events: batch, firstEventSequence: seq, lastEventSequence: seq + batch.length - 1, entropy: crypto.randomBytes(10).toString('base64') });
    seq += batch.length;
    return signedXero(body, opts.secret ?? '');
  });
}
