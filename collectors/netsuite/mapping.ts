// NetSuite records (our JSON contract for SuiteScript afterSubmit senders, see
// docs/collectors.md) ▶ canonical events. A record is named by its tranId (else external
// id, else internal id), so other systems' references (a Stripe payment's invoice number,
// a PSA project's sales order) meet it in the ID graph.

import type { CanonicalEventInput } from '@/lib/events/schema';
import { UNMAPPED_TYPE, type CatalogueType } from '@/lib/events/catalogue';
import { entityKey, entityKeySchema } from '@/lib/events/entity-key';
import { isRecord, isoTime, num, stableId, str } from '../shared/ids';

type Obj = Record<string, unknown>;

/** `recordType:eventType` ▶ canonical type and entity type. */
export const NETSUITE_MAP: Record<string, { type: CatalogueType; entity_type: string }> = {
  'salesorder:create': { type: 'order.created', entity_type: 'sales_order' },
  'invoice:create': { type: 'invoice.issued', entity_type: 'invoice' },
  'customerpayment:create': { type: 'cash.applied', entity_type: 'cash_application' },
  'creditmemo:create': { type: 'credit_memo.issued', entity_type: 'credit_memo' },
  'billingschedule:create': { type: 'billing_schedule.created', entity_type: 'billing_schedule' },
  'billingschedule:edit': { type: 'billing_schedule.updated', entity_type: 'billing_schedule' },
};

/** Body fields (custbody_ct_*) that name other systems' records; values may be comma-separated. */
export const REF_FIELDS: Record<string, [string, string]> = {
  custbody_ct_opportunity: ['crm', 'opportunity'],
  custbody_ct_quote: ['cpq', 'quote'],
  custbody_ct_contract: ['clm', 'contract'],
  custbody_ct_project: ['psa', 'project'],
  custbody_ct_milestones: ['psa', 'milestone'],
  custbody_ct_timesheets: ['psa', 'timesheet'],
  custbody_ct_change_order: ['cpq', 'change_order'],
  custbody_ct_payment: ['payments', 'payment'],
};

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : str(v).split(',')).map((s) => s.trim()).filter(Boolean);

function refsOf(recordType: string, fields: Obj, explicit: unknown): string[] {
  const refs: string[] = [];
  for (const [field, [source, type]] of Object.entries(REF_FIELDS)) for (const id of ids(fields[field])) refs.push(entityKey(source, type, id));
  // createdfrom_tranid: the transaction this one was created from (invoice ◀ sales order, credit memo ◀ invoice).
  const from = str(fields.createdfrom_tranid);
  if (from) refs.push(entityKey('erp', recordType === 'creditmemo' ? 'invoice' : 'sales_order', from));
  for (const id of ids(fields.applied_invoices)) refs.push(entityKey('erp', 'invoice', id));
  if (Array.isArray(explicit)) for (const k of explicit) if (entityKeySchema.safeParse(k).success) refs.push(String(k));
  return [...new Set(refs)];
}

export function mapNetsuiteRecord(r: Obj, account: string): CanonicalEventInput {
  const recordType = str(r.recordType).toLowerCase();
  const eventType = str(r.eventType).toLowerCase();
  const fields = isRecord(r.fields) ? r.fields : {};
  const internalId = str(r.internalId);
  if (!recordType || !eventType || !internalId) throw new Error('a NetSuite record needs recordType, eventType and internalId');
  const m = NETSUITE_MAP[`${recordType}:${eventType}`];
  const attributes: Record<string, string> = { native_type: `${recordType}.${eventType}` };
  if (str(fields.custbody_ct_reason)) attributes.reason = str(fields.custbody_ct_reason);
  if (str(fields.subsidiary)) attributes.legal_entity = str(fields.subsidiary);
  return {
    event_id: str(r.eventId) || stableId('netsuite', account, recordType, internalId, eventType, r.occurredAt),
    source: 'erp',
    source_instance: `netsuite:${account}`,
    type: m?.type ?? UNMAPPED_TYPE,
    occurred_at: isoTime(r.occurredAt) ?? '',
    entity_type: m?.entity_type ?? (recordType.replace(/[^a-z0-9_]/g, '') || 'record'),
    entity_id: str(r.tranId) || str(r.externalId) || internalId,
    refs: refsOf(recordType, fields, r.refs),
    amount: num(fields.total) ?? num(fields.amount),
    currency: str(fields.currency).toUpperCase(),
    status: str(fields.status).slice(0, 64),
    due_at: isoTime(fields.duedate),
    attributes,
    payload: r,
  };
}
