// Salesforce records ▶ canonical events, whatever carried them (Change Data Capture,
// Outbound Message): an Opportunity reaching Closed Won, a CPQ quote (SBQQ__Quote__c)
// approved, a Change_Order__c approved. Anything else is kept as unmapped.

import type { CanonicalEventInput } from '@/lib/events/schema';
import { UNMAPPED_TYPE } from '@/lib/events/catalogue';
import { entityKey } from '@/lib/events/entity-key';
import { isoTime, num, str } from '../shared/ids';

type Obj = Record<string, unknown>;

/** Custom fields on Opportunity that carry the deal's dimensions. */
export const DIMENSION_FIELDS: Record<string, string> = {
  Customer_Name__c: 'customer',
  Region__c: 'region',
  Practice__c: 'practice',
  Legal_Entity__c: 'legal_entity',
  Billing_Model__c: 'billing_model',
  Customer_Tier__c: 'customer_tier',
  Owner_Name__c: 'owner',
};

export interface RecordMeta {
  event_id: string;
  occurred_at: string;
  source_instance: string;
  native_type: string;
  payload: unknown;
}

const approved = (v: unknown) => str(v).toLowerCase() === 'approved';

export function mapSalesforceRecord(objectType: string, recordId: string, f: Obj, meta: RecordMeta): CanonicalEventInput {
  const base = {
    event_id: meta.event_id,
    source_instance: meta.source_instance,
    occurred_at: meta.occurred_at,
    entity_id: recordId,
    currency: str(f.CurrencyIsoCode).toUpperCase(),
    payload: meta.payload,
  };
  const attributes: Record<string, string> = { native_type: meta.native_type };
  if (objectType === 'Opportunity' && (str(f.StageName) === 'Closed Won' || f.IsWon === true || f.IsWon === 'true')) {
    for (const [field, attr] of Object.entries(DIMENSION_FIELDS)) if (str(f[field])) attributes[attr] = str(f[field]).slice(0, 200);
    return { ...base, source: 'crm', type: 'opportunity.won', entity_type: 'opportunity', amount: num(f.Amount), status: 'Closed Won', attributes };
  }
  if (objectType === 'SBQQ__Quote__c' && approved(f.SBQQ__Status__c)) {
    const opp = str(f.SBQQ__Opportunity2__c);
    return { ...base, source: 'cpq', type: 'quote.approved', entity_type: 'quote', refs: opp ? [entityKey('crm', 'opportunity', opp)] : [], amount: num(f.SBQQ__NetAmount__c), status: 'Approved', attributes };
  }
  if (objectType === 'Change_Order__c' && approved(f.Status__c)) {
    const refs: string[] = [];
    if (str(f.Quote__c)) refs.push(entityKey('cpq', 'quote', str(f.Quote__c)));
    if (str(f.Contract__c)) refs.push(entityKey('clm', 'contract', str(f.Contract__c)));
    return { ...base, source: 'cpq', type: 'change_order.approved', entity_type: 'change_order', refs, amount: num(f.Amount__c), status: 'Approved', attributes };
  }
  const entityType = objectType.toLowerCase().replace(/__c$/, '').replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '') || 'record';
  return { ...base, source: objectType.startsWith('SBQQ__') ? 'cpq' : 'crm', type: UNMAPPED_TYPE, entity_type: entityType.slice(0, 64), amount: num(f.Amount), status: str(f.StageName || f.Status__c || f.SBQQ__Status__c).slice(0, 64), attributes };
}

export function sfTime(v: unknown): string | null {
  return isoTime(v);
}
