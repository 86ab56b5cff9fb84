// What a successful re-sync creates in the target system: given the source record (its
// latest event) and the target, the canonical event the target emits once it has the
// record (the event whose absence made the item stuck). null: nothing new is created
// (the target already had the record; only the sync run itself is reported).

import crypto from 'node:crypto';
import type { CanonicalEventInput } from '../../lib/events/schema';
import { HOME_SYSTEM, type CatalogueType, type Source } from '../../lib/events/catalogue';

export interface SourceRecord {
  entity_key: string;
  source: string;
  entity_type: string;
  entity_id: string;
  correlation_id: string;
  amount: number | null;
  currency: string;
  refs: string[];
  /** Other records of the same deal. */
  deal_keys: string[];
}

interface Outcome {
  type: CatalogueType;
  entity_type: string;
  prefix: string;
  /** Related keys of the source record carried over as refs (e.g. the sales order of a milestone). */
  carry?: RegExp;
  due_days?: number;
}

// (source entity_type, target) ▶ the downstream event (docs/event-conventions.md).
const OUTCOMES: Record<string, Outcome> = {
  'opportunity>erp': { type: 'order.created', entity_type: 'sales_order', prefix: 'SO' },
  'quote>erp': { type: 'order.created', entity_type: 'sales_order', prefix: 'SO', carry: /^crm:opportunity:/ },
  'contract>erp': { type: 'order.created', entity_type: 'sales_order', prefix: 'SO', carry: /^(crm:opportunity|cpq:quote):/ },
  'quote>psa': { type: 'project.provisioned', entity_type: 'project', prefix: 'PRJ' },
  'contract>psa': { type: 'project.provisioned', entity_type: 'project', prefix: 'PRJ' },
  'opportunity>psa': { type: 'project.provisioned', entity_type: 'project', prefix: 'PRJ' },
  // an unstaffed project re-synced from the PSA: the assignment made there arrives
  'project>psa': { type: 'resource.assigned', entity_type: 'assignment', prefix: 'RA' },
  'project>erp': { type: 'billing_schedule.created', entity_type: 'billing_schedule', prefix: 'BS', carry: /^erp:sales_order:/ },
  'sales_order>erp': { type: 'billing_schedule.created', entity_type: 'billing_schedule', prefix: 'BS' },
  'milestone>erp': { type: 'invoice.issued', entity_type: 'invoice', prefix: 'INV', carry: /^erp:sales_order:/, due_days: 30 },
  'milestone>billing': { type: 'invoice.issued', entity_type: 'invoice', prefix: 'INV', carry: /^erp:sales_order:/, due_days: 30 },
  'timesheet>erp': { type: 'invoice.issued', entity_type: 'invoice', prefix: 'INV', carry: /^erp:sales_order:/, due_days: 30 },
  'timesheet>billing': { type: 'invoice.issued', entity_type: 'invoice', prefix: 'INV', carry: /^erp:sales_order:/, due_days: 30 },
  'payment>erp': { type: 'cash.applied', entity_type: 'cash_application', prefix: 'CA', carry: /^erp:invoice:/ },
  'change_order>erp': { type: 'billing_schedule.updated', entity_type: 'billing_schedule', prefix: 'BS' },
  'change_order>clm': { type: 'contract.amended', entity_type: 'amendment', prefix: 'AM', carry: /^clm:contract:/ },
};


export function downstreamEvent(rec: SourceRecord, target: string, actionId: string, at: Date): CanonicalEventInput | null {
  const o = OUTCOMES[`${rec.entity_type}>${target}`];
  if (!o) return null;
  const id = `${o.prefix}-R${crypto.createHash('sha256').update(actionId).digest('hex').slice(0, 8).toUpperCase()}`;
  // the record's own system (DOMAIN.md §1); an invoice comes from the one asked for it: the ERP or a billing engine
  const source = o.type === 'invoice.issued' ? (target as Source) : HOME_SYSTEM[o.type];
  const carried = o.carry ? [...new Set([...rec.refs, ...rec.deal_keys])].filter((r) => o.carry!.test(r)) : [];
  const refs = [rec.entity_key, ...carried];
  return {
    event_id: `${actionId}:${o.type}`,
    source,
    source_instance: `${target}:connector`,
    type: o.type,
    occurred_at: at.toISOString(),
    entity_type: o.entity_type,
    entity_id: id,
    refs,
    correlation_id: rec.correlation_id,
    amount: o.type === 'project.provisioned' || o.type === 'resource.assigned' ? null : rec.amount,
    currency: rec.currency,
    status: 'created',
    due_at: o.due_days ? new Date(at.getTime() + o.due_days * 86_400_000).toISOString() : null,
    attributes: { action_id: actionId },
    payload: { created_by: 'cashtrace-action', action_id: actionId, from: rec.entity_key },
  };
}
