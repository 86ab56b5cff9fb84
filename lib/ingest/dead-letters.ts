// Dead letters: input that could not be accepted, kept with the reason and the raw
// bytes so IT can inspect and replay it. Nothing rejected is silently dropped.

import type { Store } from '../clickhouse/client';
import { chTime } from './rows';
import { keysNamedBy } from '../events/entity-key';

export interface DeadLetter {
  collector: string;
  reason: string;
  errors: string[];
  event_id?: string;
  /** The record the rejected event names (source:entity_type:entity_id), if it names one. */
  entity_key?: string;
  content_type?: string;
  raw: string;
}

const MAX_RAW = 1024 * 1024;

/** The letter of an item that failed validation: its event ID and the record it names, when it has them. */
export function invalidEventLetter(collector: string, item: unknown, errors: string[], raw: string, contentType?: string): DeadLetter {
  const eventId = typeof item === 'object' && item && 'event_id' in item ? String((item as { event_id: unknown }).event_id) : undefined;
  return { collector, reason: 'invalid_event', errors, raw, event_id: eventId, entity_key: keysNamedBy(item).record ?? undefined, content_type: contentType };
}

export async function recordDeadLetters(store: Store, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  const now = chTime(new Date().toISOString());
  const body = letters
    .map((l) =>
      JSON.stringify({
        received_at: now,
        collector: l.collector,
        reason: l.reason,
        errors: l.errors.slice(0, 50),
        event_id: l.event_id ?? '',
        entity_key: l.entity_key ?? '',
        content_type: l.content_type ?? '',
        raw: l.raw.length > MAX_RAW ? l.raw.slice(0, MAX_RAW) : l.raw,
      }),
    )
    .join('\n');
  await store.insertJsonEachRow('dead_letters', body);
}
