// Renders canonical crm/cpq events as Salesforce Change Data Capture messages in the
// CometD envelope (Opportunity Closed Won, SBQQ__Quote__c approved, Change_Order__c
// approved), posted with the ingest token; and as an Outbound Message (SOAP) for tests.

import crypto from 'node:crypto';
import type { CanonicalEvent } from '@/lib/events/schema';
import { chunk, refId, type NativeRequest, type SenderOptions } from '../shared/native';
import { escapeXml } from './outbound-message';
import { DIMENSION_FIELDS } from './records';

export const SALESFORCE_PATH = '/api/ingest/salesforce';
const ORG_ID = '00D5e000000AbCdEAK';

export function recordFields(e: CanonicalEvent): { objectType: string; fields: Record<string, unknown> } | null {
  const currency = e.currency ? { CurrencyIsoCode: e.currency } : {};
  if (e.type === 'opportunity.won') {
    const dims: Record<string, string> = {};
    for (const [field, attr] of Object.entries(DIMENSION_FIELDS)) if (e.attributes[attr]) dims[field] = e.attributes[attr];
    return { objectType: 'Opportunity', fields: { StageName: 'Closed Won', IsWon: true, Amount: e.amount, ...currency, ...dims } };
  }
  if (e.type === 'quote.approved') {
    return { objectType: 'SBQQ__Quote__c', fields: { SBQQ__Status__c: 'Approved', SBQQ__Opportunity2__c: refId(e, 'crm', 'opportunity') ?? null, SBQQ__NetAmount__c: e.amount, ...currency } };
  }
  if (e.type === 'change_order.approved') {
    return { objectType: 'Change_Order__c', fields: { Status__c: 'Approved', Quote__c: refId(e, 'cpq', 'quote') ?? null, Contract__c: refId(e, 'clm', 'contract') ?? null, Amount__c: e.amount, ...currency } };
  }
  return null;
}

let replay = 1000;

export function cdcMessage(e: CanonicalEvent): Record<string, unknown> | null {
  const r = recordFields(e);
  if (!r) return null;
  const commit = new Date(e.occurred_at).getTime();
  return {
    channel: `/data/${r.objectType.replace(/__c$/, '__')}ChangeEvent`,
    data: {
      schema: 'IeRuaY6cbI_HsV8Rv1Mc5g',
      payload: {
        ChangeEventHeader: {
          entityName: r.objectType,
          recordIds: [e.entity_id],
          changeType: 'UPDATE',
          changeOrigin: 'com/salesforce/api/soap/58.0;client=SfdcInternalAPI/',
          transactionKey: crypto.createHash('sha256').update(e.event_id).digest('hex').slice(0, 32),
          sequenceNumber: 1,
          commitTimestamp: commit,
          commitNumber: 11_000_000 + replay,
          commitUser: '0055e000001AbCdAAK',
          changedFields: Object.keys(r.fields),
        },
        ...r.fields,
        LastModifiedDate: e.occurred_at,
      },
      event: { replayId: replay++, EventUuid: e.event_id },
    },
  };
}

export function nativeRequests(events: CanonicalEvent[], opts: SenderOptions): NativeRequest[] {
  const msgs = events.map(cdcMessage).filter((m): m is Record<string, unknown> => m !== null);
  return chunk(msgs, 200).map((batch) => ({
    path: SALESFORCE_PATH,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token ?? ''}` },
    body: JSON.stringify(batch),
  }));
}

/** An Outbound Message carrying the same records (notification id = the event id). */
export function outboundMessage(events: CanonicalEvent[], opts: SenderOptions): NativeRequest {
  const notes = events.flatMap((e) => {
    const r = recordFields(e);
    if (!r) return [];
    const fields = Object.entries({ Id: e.entity_id, ...r.fields, LastModifiedDate: e.occurred_at })
      .map(([k, v]) => (v === null || v === undefined ? `<sf:${k} xsi:nil="true"/>` : `<sf:${k}>${escapeXml(String(v))}</sf:${k}>`))
      .join('\n       ');
    return [`   <Notification>\n    <Id>${escapeXml(e.event_id)}</Id>\n    <sObject xsi:type="sf:${r.objectType}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">\n       ${fields}\n    </sObject>\n   </Notification>`];
  });
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>${ORG_ID}</OrganizationId>
   <ActionId>04k5e000000AbCdAAK</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/58.0/${ORG_ID}</EnterpriseUrl>
   <PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/58.0/${ORG_ID}</PartnerUrl>
${notes.join('\n')}
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`;
  return { path: `${SALESFORCE_PATH}?token=${encodeURIComponent(opts.token ?? '')}`, method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' }, body };
}
