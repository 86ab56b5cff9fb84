// One dead letter with its full raw payload (the payload viewer), or null; whether its event
// was stored since, and, when its raw input is one event, the record it is about and the
// deal that record (or one of its refs) belongs to: where the missing event is missed.
// (`id` in WHERE is the String alias of the select list: ClickHouse resolves aliases first.)

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { param, sql } from '../clickhouse/sql';
import { deadLetterRowSchema, LETTER_KEY_SQL, letterKeyColumns, storedLetters, withoutLetterKeys } from './get-dead-letters';
import { keysNamedBy } from '../events/entity-key';
import { isRecurring } from '../events/catalogue';
import { resolveKeys } from './resolve-key';

export const deadLetterParamsSchema = z.object({ id: z.uuid() });
export type DeadLetterParams = z.infer<typeof deadLetterParamsSchema>;

export const deadLetterSchema = deadLetterRowSchema.omit({ raw_preview: true }).extend({ raw: z.string() });
export type DeadLetter = z.infer<typeof deadLetterSchema> & {
  /** Its event has been stored since (resent by its source, or replayed): its event ID, or its record's event of its type received after it. */
  stored: boolean;
  /** The entity key the raw input names (source:entity_type:entity_id), when it is one event. */
  record: string | null;
  /** The deal (correlation ID) of that record or, failing that, of its first ref a deal has. */
  deal: string | null;
  /** The event type the raw input names, when it is one event with a string type. */
  event_type: string | null;
  /** The business time it names (occurred_at), when valid: for a type one record has several of, what "stored since" matches it by. */
  occurred_at: string | null;
  /** Whether one record may have several events of its type (RECURRING_TYPES). */
  recurring: boolean;
};

/** The record key and refs a raw input names, when it is one JSON event object. */
export function namedKeys(raw: string): { record: string | null; refs: string[] } {
  try {
    return keysNamedBy(JSON.parse(raw));
  } catch {
    return { record: null, refs: [] };
  }
}

export async function getDeadLetter(store: Store, params: DeadLetterParams): Promise<DeadLetter | null> {
  const { id } = deadLetterParamsSchema.parse(params);
  const rows = await store.query(
    sql`SELECT toString(id) AS id, received_at, collector, reason, errors, event_id, content_type,
          length(raw) AS raw_bytes, raw, ${LETTER_KEY_SQL}
        FROM dead_letters WHERE id = ${param('String', id)} LIMIT 1`,
    deadLetterSchema.extend(letterKeyColumns),
  );
  const row = rows[0];
  if (!row) return null;
  const letter = withoutLetterKeys(row);
  const { record, refs } = namedKeys(letter.raw);
  const named = record ? [record, ...refs] : refs;
  const deals = await resolveKeys(store, named);
  const deal = named.map((k) => deals.get(k)).find((d) => d !== undefined) ?? null;
  return {
    ...letter,
    stored: (await storedLetters(store, [row])).has(row.id),
    record,
    deal,
    event_type: row.event_type || null,
    occurred_at: row.occurred_at,
    recurring: isRecurring(row.event_type),
  };
}
