// DocuSign Connect (JSON SIM messages). HMAC: X-DocuSign-Signature-1..n, each the base64
// HMAC-SHA256 of the body under one of the account's Connect keys (any may match).
// envelope-completed ▶ contract.signed (or contract.amended when the envelope amends a
// contract); envelopeSummary.customFields carry the quote / opportunity refs and value.
// DocuSign gives no event id: `docusign:<envelopeId>:<event>` is stable across retries.

import { NextResponse } from 'next/server';
import type { CanonicalEventInput } from '@/lib/events/schema';
import { UNMAPPED_TYPE } from '@/lib/events/catalogue';
import { entityKey } from '@/lib/events/entity-key';
import { errors } from '@/lib/http/errors';
import type { Collector, DeliveryContext } from '../shared/collector';
import { parseJson } from '../shared/collector';
import { isRecord, isoTime, num, str } from '../shared/ids';
import { anySignatureMatches, secretsFor } from '../shared/signature';

type Obj = Record<string, unknown>;

export function verifyDocusign(ctx: DeliveryContext): void {
  const provided: string[] = [];
  for (let i = 1; i <= 100; i++) {
    const h = ctx.req.headers.get(`x-docusign-signature-${i}`);
    if (!h) break;
    provided.push(h);
  }
  if (provided.length === 0) throw errors.unauthorized('missing X-DocuSign-Signature-1 (enable HMAC in the Connect configuration)');
  if (!anySignatureMatches(secretsFor('docusign'), ctx.body, provided, 'base64')) throw errors.unauthorized('no X-DocuSign-Signature matches an active Connect key');
}

/** Envelope custom fields (text and list) by name. DocuSign for Salesforce's `##SF<Object>` names count too. */
export function customFields(summary: Obj): Map<string, string> {
  const out = new Map<string, string>();
  const cf = isRecord(summary.customFields) ? summary.customFields : {};
  for (const list of [cf.textCustomFields, cf.listCustomFields]) {
    if (!Array.isArray(list)) continue;
    for (const f of list) if (isRecord(f) && str(f.name) && str(f.value)) out.set(str(f.name), str(f.value));
  }
  return out;
}

export function docusignEventId(envelopeId: string, event: string): string {
  return `docusign:${envelopeId}:${event}`;
}

export function mapDocusignMessage(msg: Obj): CanonicalEventInput {
  const data = isRecord(msg.data) ? msg.data : {};
  const summary = isRecord(data.envelopeSummary) ? data.envelopeSummary : {};
  const envelopeId = str(data.envelopeId) || str(summary.envelopeId);
  const event = str(msg.event);
  if (!envelopeId || !event) throw new Error('a Connect message needs event and data.envelopeId');
  const f = customFields(summary);
  const opportunity = f.get('opportunity_id') ?? f.get('##SFOpportunity');
  const quote = f.get('quote_id') ?? f.get('##SFSBQQ__Quote__c');
  const amends = f.get('amends_contract');
  const changeOrder = f.get('change_order_id');
  const contractId = f.get('contract_number') || envelopeId;
  const base = {
    event_id: docusignEventId(envelopeId, event),
    source: 'clm' as const,
    source_instance: `docusign:${str(data.accountId)}`,
    occurred_at: isoTime(summary.completedDateTime) ?? isoTime(summary.statusChangedDateTime) ?? isoTime(msg.generatedDateTime) ?? '',
    amount: num(f.get('contract_value')),
    currency: (f.get('currency') ?? '').toUpperCase(),
    status: str(summary.status),
    attributes: { native_type: event },
    payload: msg,
  };
  if (event === 'envelope-completed' && amends) {
    const refs = [entityKey('clm', 'contract', amends)];
    if (changeOrder) refs.push(entityKey('cpq', 'change_order', changeOrder));
    return { ...base, type: 'contract.amended', entity_type: 'amendment', entity_id: contractId, refs };
  }
  const refs: string[] = [];
  if (quote) refs.push(entityKey('cpq', 'quote', quote));
  if (opportunity) refs.push(entityKey('crm', 'opportunity', opportunity));
  return { ...base, type: event === 'envelope-completed' ? 'contract.signed' : UNMAPPED_TYPE, entity_type: 'contract', entity_id: contractId, refs };
}

export const docusignCollector: Collector = {
  name: 'docusign',
  verify: verifyDocusign,
  contentTypes: ['application/json'],
  parse(ctx) {
    const msg = parseJson(ctx.body, 'DocuSign Connect');
    if (!isRecord(msg)) throw errors.badRequest('a Connect JSON SIM message is an object');
    return { events: [mapDocusignMessage(msg)] };
  },
  // Connect retries anything but 200.
  respond(result) {
    return NextResponse.json(result, { status: 200 });
  },
};
