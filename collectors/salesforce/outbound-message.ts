// Salesforce Outbound Messages: SOAP 1.1 `notifications` with one sObject per
// Notification (its Id is stable across Salesforce's retries: the event id). Salesforce
// retries until it gets the `notificationsResponse` Ack envelope.

import type { CanonicalEventInput } from '@/lib/events/schema';
import { sfTime, mapSalesforceRecord } from './records';

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&amp;': '&' };
const unescapeXml = (s: string) => s.replace(/&(lt|gt|quot|apos|amp);/g, (m) => ENTITIES[m]).replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)));
export const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);

function tag(xml: string, name: string): string | null {
  const m = new RegExp(`<(?:\\w+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:\\w+:)?${name}>`).exec(xml);
  return m ? m[1] : null;
}

export interface OutboundNotification {
  id: string;
  objectType: string;
  fields: Record<string, string | null>;
  xml: string;
}

export function parseOutboundMessage(xml: string): { organizationId: string; notifications: OutboundNotification[] } {
  const body = tag(xml, 'notifications');
  if (body === null) throw new Error('not a Salesforce Outbound Message (no notifications element in the SOAP body)');
  const notifications: OutboundNotification[] = [];
  for (const m of body.matchAll(/<(?:\w+:)?Notification>([\s\S]*?)<\/(?:\w+:)?Notification>/g)) {
    const n = m[1];
    const id = tag(n, 'Id');
    const so = /<(?:\w+:)?sObject\s[^>]*?xsi:type="(?:\w+:)?(\w+)"[^>]*>([\s\S]*?)<\/(?:\w+:)?sObject>/.exec(n);
    if (!id || !so) throw new Error('a Notification needs an Id and an sObject with xsi:type');
    const fields: Record<string, string | null> = {};
    for (const f of so[2].matchAll(/<(?:\w+:)?(\w+)(\s[^>]*)?(?:\/>|>([\s\S]*?)<\/(?:\w+:)?\1>)/g)) {
      fields[f[1]] = f[3] === undefined ? null : unescapeXml(f[3].trim());
    }
    notifications.push({ id: unescapeXml(id.trim()), objectType: so[1], fields, xml: m[0] });
  }
  return { organizationId: unescapeXml((tag(body, 'OrganizationId') ?? '').trim()), notifications };
}

export function mapOutboundMessage(xml: string): CanonicalEventInput[] {
  const { organizationId, notifications } = parseOutboundMessage(xml);
  return notifications.map((n) => {
    const recordId = n.fields.Id;
    if (!recordId) throw new Error(`Notification ${n.id} has no sObject Id`);
    return mapSalesforceRecord(n.objectType, recordId, n.fields, {
      event_id: n.id,
      occurred_at: sfTime(n.fields.LastModifiedDate) ?? sfTime(n.fields.SystemModstamp) ?? new Date().toISOString(),
      source_instance: `salesforce:${organizationId}`,
      native_type: `${n.objectType}.outbound_message`,
      payload: n.xml,
    });
  });
}

export const ACK_ENVELOPE = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Body>
    <notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">
      <Ack>true</Ack>
    </notificationsResponse>
  </soapenv:Body>
</soapenv:Envelope>`;

export function soapFault(message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Body>
    <soapenv:Fault>
      <faultcode>soapenv:Client</faultcode>
      <faultstring>${escapeXml(message)}</faultstring>
    </soapenv:Fault>
  </soapenv:Body>
</soapenv:Envelope>`;
}
