// Salesforce streaming messages as JSON: Change Data Capture and Platform Events, either
// in the CometD envelope ({channel, data: {schema, payload, event: {replayId, EventUuid}}})
// or decoded from the Pub/Sub API ({replayId, id, payload} or the payload itself). CDC
// dates may be epoch ms or ISO. Event id: EventUuid, else transactionKey + sequenceNumber,
// else channel + replayId. A CDC event naming several recordIds yields one event each.
// Platform events of our contract (Q2C_Event__e) carry a canonical event in their fields.

import type { CanonicalEventInput } from '@/lib/events/schema';
import { isRecord, num, str } from '../shared/ids';
import { catalogueTypeOf } from '../shared/catalogue-type';
import { mapSalesforceRecord, sfTime } from './records';

type Obj = Record<string, unknown>;

export interface StreamingMessage {
  channel: string;
  replayId: string;
  eventUuid: string;
  payload: Obj;
  raw: unknown;
}

export function unwrap(item: Obj): StreamingMessage {
  if (isRecord(item.data) && isRecord(item.data.payload)) {
    const ev = isRecord(item.data.event) ? item.data.event : {};
    return { channel: str(item.channel), replayId: str(ev.replayId), eventUuid: str(ev.EventUuid) || str(item.data.payload.EventUuid), payload: item.data.payload, raw: item };
  }
  if (isRecord(item.payload)) return { channel: str(item.channel) || str(item.topicName), replayId: str(item.replayId), eventUuid: str(item.id) || str(item.EventUuid) || str(item.payload.EventUuid), payload: item.payload, raw: item };
  return { channel: str(item.channel), replayId: str(item.replayId), eventUuid: str(item.EventUuid), payload: item, raw: item };
}

export function mapStreaming(m: StreamingMessage, instance: string): CanonicalEventInput[] {
  const p = m.payload;
  const h = isRecord(p.ChangeEventHeader) ? p.ChangeEventHeader : null;
  if (h) {
    const ids = Array.isArray(h.recordIds) ? h.recordIds.map(str).filter(Boolean) : [];
    if (ids.length === 0) throw new Error('ChangeEventHeader.recordIds is empty');
    const baseId = m.eventUuid || (str(h.transactionKey) ? `sf:${str(h.transactionKey)}:${str(h.sequenceNumber)}` : `sf:${m.channel}:${m.replayId}`);
    if (baseId.endsWith(':') && !m.eventUuid) throw new Error('a change event needs EventUuid, transactionKey + sequenceNumber or a replayId');
    const entityName = str(h.entityName) || m.channel.replace(/^\/data\//, '').replace(/ChangeEvent$/, '');
    return ids.map((id: string) =>
      mapSalesforceRecord(entityName, id, p, {
        event_id: ids.length > 1 ? `${baseId}:${id}` : baseId,
        occurred_at: sfTime(h.commitTimestamp) ?? '',
        source_instance: instance,
        native_type: `${entityName}.${str(h.changeType).toLowerCase()}`,
        payload: m.raw,
      }),
    );
  }
  // Platform event of our contract: the fields name a canonical event.
  const eventId = m.eventUuid || (m.replayId ? `sf:${m.channel}:${m.replayId}` : '');
  if (!eventId) throw new Error('a platform event needs EventUuid or a replayId');
  const type = catalogueTypeOf(str(p.Event_Type__c));
  const attributes: Record<string, string> = { native_type: m.channel.replace(/^\/event\//, '') || 'platform_event' };
  return [
    {
      event_id: eventId,
      source: (str(p.Source__c) || 'crm') as never,
      source_instance: instance,
      type,
      occurred_at: sfTime(p.Occurred_At__c) ?? sfTime(p.CreatedDate) ?? '',
      entity_type: str(p.Entity_Type__c) || 'record',
      entity_id: str(p.Entity_Id__c),
      refs: str(p.Refs__c).split(',').map((s) => s.trim()).filter(Boolean),
      amount: num(p.Amount__c),
      currency: str(p.Currency__c).toUpperCase(),
      status: str(p.Status__c),
      correlation_id: str(p.Correlation_Id__c),
      attributes,
      payload: m.raw,
    },
  ];
}
