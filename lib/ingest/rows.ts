// Canonical event ▶ ClickHouse row of `events`, serialised once as a JSONEachRow line.

import type { CanonicalEvent } from '../events/schema';
import { entityKey } from '../events/entity-key';

/** ClickHouse's basic DateTime64 text form (parsed without best_effort settings). */
export function chTime(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '');
}

export function eventEntityKey(e: Pick<CanonicalEvent, 'source' | 'entity_type' | 'entity_id'>): string {
  return entityKey(e.source, e.entity_type, e.entity_id);
}

export function toRowLine(e: CanonicalEvent, correlationId: string, receivedAt: string): string {
  const a = e.attributes;
  return JSON.stringify({
    correlation_id: correlationId,
    event_id: e.event_id,
    source: e.source,
    source_instance: e.source_instance,
    type: e.type,
    occurred_at: chTime(e.occurred_at),
    received_at: chTime(e.received_at ?? receivedAt),
    entity_type: e.entity_type,
    entity_id: e.entity_id,
    entity_key: eventEntityKey(e),
    refs: e.refs,
    stamped_correlation_id: e.correlation_id,
    amount: e.amount,
    currency: e.currency || a.currency || '',
    status: e.status,
    due_at: e.due_at ? chTime(e.due_at) : null,
    period_end: e.period_end ? chTime(e.period_end) : null,
    customer: a.customer ?? '',
    region: a.region ?? '',
    practice: a.practice ?? '',
    legal_entity: a.legal_entity ?? '',
    billing_model: a.billing_model ?? '',
    attributes: a,
    trace_id: e.trace_id,
    span_id: e.span_id,
    payload: e.payload === null || e.payload === undefined ? '' : typeof e.payload === 'string' ? e.payload : JSON.stringify(e.payload),
  });
}
