// One dead letter with its full raw payload (the payload viewer), or null.
// (`id` in WHERE is the String alias of the select list: ClickHouse resolves aliases first.)

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { param, sql } from '../clickhouse/sql';
import { deadLetterRowSchema, storedEventIds } from './get-dead-letters';

export const deadLetterParamsSchema = z.object({ id: z.uuid() });
export type DeadLetterParams = z.infer<typeof deadLetterParamsSchema>;

export const deadLetterSchema = deadLetterRowSchema.omit({ raw_preview: true }).extend({ raw: z.string() });
export type DeadLetter = z.infer<typeof deadLetterSchema> & {
  /** An event with this event ID has been stored since (resent by its source, or replayed). */
  stored: boolean;
};

export async function getDeadLetter(store: Store, params: DeadLetterParams): Promise<DeadLetter | null> {
  const { id } = deadLetterParamsSchema.parse(params);
  const rows = await store.query(
    sql`SELECT toString(id) AS id, received_at, collector, reason, errors, event_id, content_type,
          length(raw) AS raw_bytes, raw
        FROM dead_letters WHERE id = ${param('String', id)} LIMIT 1`,
    deadLetterSchema,
  );
  const letter = rows[0];
  if (!letter) return null;
  return { ...letter, stored: (await storedEventIds(store, [letter.event_id])).has(letter.event_id) };
}
