// Dead letters (input Cashtrace could not accept), newest first: reason, collector, the
// validation errors, a preview of the raw bytes, with counts by reason and collector.
// The full raw payload of one letter is read by get-dead-letter.ts.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { join, sql, type Sql } from '../clickhouse/sql';
import { filtersSchema, timeWindow, type Filters } from './filters';
import { keysetPage, keysetPageSql, pageKeyColumn, pageSchema, type SortKey } from './page';
import { chNum, chIso } from './ch-columns';

export const PREVIEW_CHARS = 240;

export const deadLettersParamsSchema = filtersSchema.pick({ from: true, to: true }).extend(pageSchema.shape).extend({
  collector: z.string().max(100).optional(),
  reason: z.string().max(100).optional(),
  /** Exact event ID, or a fragment of the raw payload. */
  q: z.string().min(1).max(200).optional(),
});
export type DeadLettersParams = z.input<typeof deadLettersParamsSchema>;

export const deadLetterRowSchema = z.object({
  id: z.string(),
  received_at: chIso,
  collector: z.string(),
  reason: z.string(),
  errors: z.array(z.string()),
  event_id: z.string(),
  content_type: z.string(),
  raw_bytes: chNum,
  raw_preview: z.string(),
});
export type DeadLetterRow = z.infer<typeof deadLetterRowSchema>;

const countRow = z.object({ key: z.string(), count: chNum });

export interface DeadLettersResult {
  total: number;
  by_reason: { key: string; count: number }[];
  by_collector: { key: string; count: number }[];
  items: DeadLetterRow[];
  next_cursor: string | null;
}

/** Newest first; the letter's id (as text) orders letters of one millisecond. */
const DEAD_LETTER_SORT: readonly SortKey[] = [
  { col: sql`received_at`, dir: 'DESC', type: 'DateTime64' },
  { col: sql`id`, dir: 'ASC', type: 'String' },
];

function conditions(p: z.infer<typeof deadLettersParamsSchema>): Sql {
  const c: Sql[] = [timeWindow(p as Filters, sql`received_at`)];
  if (p.collector) c.push(sql`collector = ${p.collector}`);
  if (p.reason) c.push(sql`reason = ${p.reason}`);
  if (p.q) c.push(sql`(event_id = ${p.q} OR position(raw, ${p.q}) > 0)`);
  return join(c, ' AND ');
}

export async function getDeadLetters(store: Store, params: DeadLettersParams): Promise<DeadLettersResult> {
  const p = deadLettersParamsSchema.parse(params);
  const where = conditions(p);
  const [rows, byReason, byCollector] = await Promise.all([
    store.query(
      keysetPageSql(
        sql`SELECT toString(id) AS id, received_at, collector, reason, errors, event_id, content_type,
            length(raw) AS raw_bytes, substringUTF8(raw, 1, ${PREVIEW_CHARS}) AS raw_preview
          FROM dead_letters
          WHERE ${where}`,
        { sort: DEAD_LETTER_SORT, key: sql`id`, limit: p.limit, cursor: p.cursor },
      ),
      deadLetterRowSchema.extend(pageKeyColumn),
    ),
    store.query(sql`SELECT toString(reason) AS key, count() AS count FROM dead_letters WHERE ${where} GROUP BY key ORDER BY count DESC, key`, countRow),
    store.query(sql`SELECT toString(collector) AS key, count() AS count FROM dead_letters WHERE ${where} GROUP BY key ORDER BY count DESC, key`, countRow),
  ]);
  return {
    total: byReason.reduce((s, r) => s + r.count, 0),
    by_reason: byReason,
    by_collector: byCollector,
    ...keysetPage(rows, p.limit),
  };
}
