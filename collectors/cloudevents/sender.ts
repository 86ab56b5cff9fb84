// Renders canonical events as CloudEvents 1.0 batches (application/cloudevents-batch+json)
// with the ingest token: type = com.cashtrace.q2c.<canonical type>, subject = entity id,
// data = the other canonical fields, correlationid and traceparent as extensions.

import type { CanonicalEvent } from '@/lib/events/schema';
import { chunk, type NativeRequest, type SenderOptions } from '../shared/native';
import { CE_BATCH } from './collector';

export const CLOUDEVENTS_PATH = '/api/ingest/cloudevents';
export const CE_TYPE_PREFIX = 'com.cashtrace.q2c.';

export function toCloudEvent(e: CanonicalEvent): Record<string, unknown> {
  const { event_id, type, occurred_at, entity_id, correlation_id, trace_id, span_id, payload: _payload, received_at: _r, ...data } = e;
  const ce: Record<string, unknown> = {
    specversion: '1.0',
    id: event_id,
    source: `/cashtrace/${e.source}/${e.source_instance || 'default'}`,
    type: `${CE_TYPE_PREFIX}${type}`,
    subject: entity_id,
    time: occurred_at,
    datacontenttype: 'application/json',
    data,
  };
  if (correlation_id) ce.correlationid = correlation_id;
  if (trace_id && span_id) ce.traceparent = `00-${trace_id}-${span_id}-01`;
  return ce;
}

export function nativeRequests(events: CanonicalEvent[], opts: SenderOptions): NativeRequest[] {
  return chunk(events, 500).map((batch) => ({
    path: CLOUDEVENTS_PATH,
    method: 'POST',
    headers: { 'content-type': CE_BATCH, authorization: `Bearer ${opts.token ?? ''}` },
    body: JSON.stringify(batch.map(toCloudEvent)),
  }));
}
