// QuickBooks Online notifications ▶ canonical events. Both formats Intuit sends: the
// CloudEvents array (`qbo.<entity>.<operation>.v1`, id = the event id) and the legacy
// `eventNotifications` (no event id: a hash of realm, entity, id, operation and time).
// Intuit sends ids only; when an enrichment step has put the entity as the Accounting
// API returns it into CloudEvents `data`, amounts and refs are taken from it: TotalAmt,
// CurrencyRef, DueDate, Payment lines' linked invoices, PaymentRefNum, and custom fields
// named after an entity key prefix (`erp:sales_order`, `psa:milestone`, …; ids comma-separated).

import type { CanonicalEventInput } from '@/lib/events/schema';
import { UNMAPPED_TYPE, type CatalogueType } from '@/lib/events/catalogue';
import { entityKey, entityKeySchema } from '@/lib/events/entity-key';
import { isRecord, isoTime, num, stableId, str } from '../shared/ids';

type Obj = Record<string, unknown>;

/** `entity:operation` (lowercase) ▶ canonical type and entity type. */
export const QBO_MAP: Record<string, { type: CatalogueType; entity_type: string }> = {
  'invoice:created': { type: 'invoice.issued', entity_type: 'invoice' },
  'creditmemo:created': { type: 'credit_memo.issued', entity_type: 'credit_memo' },
  'payment:created': { type: 'cash.applied', entity_type: 'cash_application' },
};

const OPERATION: Record<string, string> = { create: 'created', update: 'updated', delete: 'deleted', merge: 'merged', void: 'voided', emailed: 'emailed' };

export interface QboNotice {
  eventId: string;
  realmId: string;
  entity: string;
  operation: string;
  entityId: string;
  time: string;
  snapshot: Obj | null;
  raw: unknown;
}

function refsOf(snapshot: Obj | null): string[] {
  if (!snapshot) return [];
  const refs: string[] = [];
  const fields = Array.isArray(snapshot.CustomField) ? snapshot.CustomField : [];
  for (const f of fields) {
    if (!isRecord(f)) continue;
    for (const id of str(f.StringValue).split(',').map((s) => s.trim()).filter(Boolean)) {
      const key = `${str(f.Name)}:${id}`;
      if (entityKeySchema.safeParse(key).success) refs.push(key);
    }
  }
  const lines = Array.isArray(snapshot.Line) ? snapshot.Line : [];
  for (const l of lines) {
    const linked = isRecord(l) && Array.isArray(l.LinkedTxn) ? l.LinkedTxn : [];
    for (const t of linked) if (isRecord(t) && t.TxnType === 'Invoice' && str(t.TxnId)) refs.push(entityKey('erp', 'invoice', str(t.TxnId)));
  }
  if (str(snapshot.PaymentRefNum)) refs.push(entityKey('payments', 'payment', str(snapshot.PaymentRefNum)));
  return [...new Set(refs)];
}

export function mapQboNotice(n: QboNotice): CanonicalEventInput {
  const m = QBO_MAP[`${n.entity}:${n.operation}`];
  const s = n.snapshot;
  const currency = s && isRecord(s.CurrencyRef) ? str(s.CurrencyRef.value).toUpperCase() : '';
  return {
    event_id: n.eventId,
    source: 'erp',
    source_instance: `quickbooks:${n.realmId}`,
    type: m?.type ?? UNMAPPED_TYPE,
    occurred_at: n.time,
    entity_type: m?.entity_type ?? (n.entity.replace(/[^a-z0-9_]/g, '') || 'object'),
    entity_id: n.entityId,
    refs: refsOf(s),
    amount: s ? num(s.TotalAmt) : null,
    currency,
    status: n.operation,
    due_at: s ? isoTime(s.DueDate) : null,
    attributes: { native_type: `${n.entity}.${n.operation}` },
    payload: n.raw,
  };
}

/** CloudEvents item ▶ notice. */
export function fromCloudEvent(ce: Obj): QboNotice | null {
  const m = /^qbo\.([a-z]+)\.([a-z]+)\.v\d+$/i.exec(str(ce.type));
  if (!m || !str(ce.id) || !str(ce.intuitentityid)) return null;
  const data = isRecord(ce.data) && Object.keys(ce.data).length > 0 ? ce.data : null;
  // The Accounting API wraps an entity in its name ({"Invoice": {…}}); accept both forms.
  const only = data && Object.keys(data).length === 1 ? Object.values(data)[0] : null;
  const snapshot = isRecord(only) ? only : data;
  return { eventId: str(ce.id), realmId: str(ce.intuitaccountid), entity: m[1].toLowerCase(), operation: m[2].toLowerCase(), entityId: str(ce.intuitentityid), time: isoTime(ce.time) ?? '', snapshot, raw: ce };
}

/** Legacy eventNotifications ▶ notices. */
export function fromLegacy(body: Obj): { notices: QboNotice[]; bad: unknown[] } {
  const notices: QboNotice[] = [];
  const bad: unknown[] = [];
  for (const n of Array.isArray(body.eventNotifications) ? body.eventNotifications : []) {
    const entities = isRecord(n) && isRecord(n.dataChangeEvent) && Array.isArray(n.dataChangeEvent.entities) ? n.dataChangeEvent.entities : null;
    if (!entities) {
      bad.push(n);
      continue;
    }
    const realmId = str((n as Obj).realmId);
    for (const e of entities) {
      if (!isRecord(e) || !str(e.name) || !str(e.id) || !str(e.operation)) {
        bad.push(e);
        continue;
      }
      const op = str(e.operation).toLowerCase();
      notices.push({
        eventId: stableId('qbo', realmId, e.name, e.id, e.operation, e.lastUpdated),
        realmId,
        entity: str(e.name).toLowerCase(),
        operation: OPERATION[op] ?? op,
        entityId: str(e.id),
        time: isoTime(e.lastUpdated) ?? '',
        snapshot: null,
        raw: { realmId, ...e },
      });
    }
  }
  return { notices, bad };
}
