// Renders canonical ERP events as the NetSuite SuiteScript sender posts them
// (docs/collectors.md): afterSubmit records with tranId, fields and custbody_ct_* refs.

import type { CanonicalEvent } from '@/lib/events/schema';
import { parseEntityKey } from '@/lib/events/entity-key';
import { chunk, type NativeRequest, type SenderOptions } from '../shared/native';
import { timestampedHmacHeader } from '../shared/signature';
import { NETSUITE_MAP, REF_FIELDS } from './mapping';

export const NETSUITE_PATH = '/api/ingest/netsuite';
export const NETSUITE_ACCOUNT = 'TSTDRV1234567';

const REVERSE = new Map(Object.entries(REF_FIELDS).map(([field, [s, t]]) => [`${s}:${t}`, field]));
const RECORD_OF = new Map(Object.entries(NETSUITE_MAP).map(([k, v]) => [v.type, k.split(':') as [string, string]]));

export function netsuiteRecord(e: CanonicalEvent, internalId: number): Record<string, unknown> | null {
  const rt = RECORD_OF.get(e.type as never);
  if (!rt || e.source !== 'erp') return null;
  const [recordType, eventType] = rt;
  const fields: Record<string, unknown> = { currency: e.currency || undefined, total: e.amount ?? undefined, status: e.status || undefined, duedate: e.due_at ?? undefined };
  if (e.attributes.reason) fields.custbody_ct_reason = e.attributes.reason;
  const extra: string[] = [];
  const add = (field: string, id: string) => (fields[field] = fields[field] ? `${fields[field]},${id}` : id);
  for (const ref of e.refs) {
    const k = parseEntityKey(ref)!;
    const key = `${k.source}:${k.entity_type}`;
    if (REVERSE.has(key)) add(REVERSE.get(key)!, k.entity_id);
    else if (key === 'erp:sales_order' && recordType === 'invoice') fields.createdfrom_tranid = k.entity_id;
    else if (key === 'erp:invoice' && recordType === 'creditmemo') fields.createdfrom_tranid = k.entity_id;
    else if (key === 'erp:invoice' && recordType === 'customerpayment') add('applied_invoices', k.entity_id);
    else extra.push(ref);
  }
  return { eventId: e.event_id, eventType, recordType, internalId: String(internalId), externalId: '', tranId: e.entity_id, occurredAt: e.occurred_at, fields, ...(extra.length ? { refs: extra } : {}) };
}

export const signNetsuite = timestampedHmacHeader;

export function nativeRequests(events: CanonicalEvent[], opts: SenderOptions): NativeRequest[] {
  const now = opts.now ?? new Date();
  let id = 10_000;
  const records = events.map((e) => netsuiteRecord(e, id++)).filter((r): r is Record<string, unknown> => r !== null);
  return chunk(records, 200).map((batch) => {
    const body = JSON.stringify({ account: NETSUITE_ACCOUNT, records: batch });
    return { path: NETSUITE_PATH, method: 'POST', headers: { 'content-type': 'application/json', 'x-cashtrace-signature': signNetsuite(body, opts.secret ?? '', now) }, body };
  });
}
