// Dead letters: input that could not be accepted, kept with the reason and the raw
// bytes so IT can inspect and replay it. Nothing rejected is silently dropped.

import type { Store } from '../clickhouse/client';
import { chTime } from './rows';
import { keysNamedBy } from '../events/entity-key';
import { timestampSchema } from '../events/schema';

export interface DeadLetter {
  collector: string;
  reason: string;
  errors: string[];
  event_id?: string;
  /** The record the rejected event names (source:entity_type:entity_id), if it names one. */
  entity_key?: string;
  content_type?: string;
  raw: string;
  /**
   * When it was received, if the item says so (a backfill or an import of history sends its
   * events' receipt times): the letter keeps it as its event would, so that "stored since"
   * compares the two on the same clock. Else the time it is recorded.
   */
  received_at?: string;
  /** The business time the rejected event names (its occurred_at, when valid): what tells two events of a recurring type on one record apart. */
  occurred_at?: string;
}

const MAX_RAW = 1024 * 1024;

/** The letter of an item that failed validation: its event ID and the record it names, when it has them. */
export function invalidEventLetter(collector: string, item: unknown, errors: string[], raw: string, contentType?: string): DeadLetter {
  const field = (name: string): unknown => (typeof item === 'object' && item && name in item ? (item as Record<string, unknown>)[name] : undefined);
  const eventId = field('event_id') === undefined ? undefined : String(field('event_id'));
  const said = timestampSchema.safeParse(field('received_at'));
  const receivedAt = said.success && Date.parse(said.data) <= Date.now() ? said.data : undefined;
  const occurred = timestampSchema.safeParse(field('occurred_at'));
  return {
    collector, reason: 'invalid_event', errors, raw, event_id: eventId, entity_key: keysNamedBy(item).record ?? undefined, content_type: contentType,
    ...(receivedAt ? { received_at: receivedAt } : {}),
    ...(occurred.success ? { occurred_at: occurred.data } : {}),
  };
}

export async function recordDeadLetters(store: Store, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  const now = chTime(new Date().toISOString());
  const body = letters
    .map((l) =>
      JSON.stringify({
        received_at: l.received_at ? chTime(l.received_at) : now,
        collector: l.collector,
        reason: l.reason,
        errors: l.errors.slice(0, 50),
        event_id: l.event_id ?? '',
        entity_key: l.entity_key ?? '',
        content_type: l.content_type ?? '',
        raw: l.raw.length > MAX_RAW ? l.raw.slice(0, MAX_RAW) : l.raw,
        occurred_at: l.occurred_at ? chTime(l.occurred_at) : null,
      }),
    )
    .join('\n');
  await store.insertJsonEachRow('dead_letters', body);
}
