// Dead letters (input Cashtrace could not accept), newest first: reason, collector, the
// validation errors, a preview of the raw bytes, with counts by reason and collector.
// Each says whether an event with its event ID has been stored since (its source sent it
// again corrected, or IT replayed it): `stored`, and the `state` filter (waiting | stored).
// The full raw payload of one letter is read by get-dead-letter.ts.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { join, param, sql, type Sql } from '../clickhouse/sql';
import { filtersSchema, timeWindow, type Filters } from './filters';
import { keysetPage, keysetPageSql, pageKeyColumn, pageSchema, type SortKey } from './page';
import { chNum, chIso } from './ch-columns';

export const PREVIEW_CHARS = 240;

export const deadLettersParamsSchema = filtersSchema.pick({ from: true, to: true }).extend(pageSchema.shape).extend({
  collector: z.string().max(100).optional(),
  reason: z.string().max(100).optional(),
  /** Exact event ID, or a fragment of the raw payload. */
  q: z.string().min(1).max(200).optional(),
  /** `waiting`: no event stored under the letter's event ID (or it has none); `stored`: one is, since. */
  state: z.enum(['waiting', 'stored']).optional(),
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
export type DeadLetterRow = z.infer<typeof deadLetterRowSchema> & {
  /** An event with this event ID has been stored since (resent by its source, or replayed). */
  stored: boolean;
};

const countRow = z.object({ key: z.string(), count: chNum });

export interface DeadLettersResult {
  total: number;
  /** Letters in the window (other filters but `state` applied) by whether their event was stored since. */
  by_state: { waiting: number; stored: number };
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

/**
 * Whether a letter's event was stored since: its event ID among the stored events' IDs,
 * looked up by event_ids' key for the IDs of the letters `where` selects only.
 */
function storedSince(where: Sql): Sql {
  return sql`(event_id != '' AND event_id IN (SELECT event_id FROM event_ids
    WHERE event_id IN (SELECT event_id FROM dead_letters WHERE ${where} AND event_id != '')))`;
}

/** Which of these event IDs have a stored event (by event_ids' key). */
export async function storedEventIds(store: Store, eventIds: string[]): Promise<Set<string>> {
  const ids = [...new Set(eventIds.filter(Boolean))];
  if (ids.length === 0) return new Set();
  const rows = await store.query(sql`SELECT DISTINCT event_id FROM event_ids WHERE event_id IN ${param('Array(String)', ids)}`, z.object({ event_id: z.string() }));
  return new Set(rows.map((r) => r.event_id));
}

function scopeOf(p: z.infer<typeof deadLettersParamsSchema>): { scope: Sql; where: Sql } {
  const scope = conditions(p);
  return { scope, where: p.state ? sql`${scope} AND ${p.state === 'stored' ? sql`` : sql`NOT `}${storedSince(scope)}` : scope };
}

/** One page of the letters, without the counts (an export's pages after its first). */
export async function getDeadLetterPage(store: Store, params: DeadLettersParams): Promise<Pick<DeadLettersResult, 'items' | 'next_cursor'>> {
  const p = deadLettersParamsSchema.parse(params);
  const rows = await store.query(
    keysetPageSql(
      sql`SELECT toString(id) AS id, received_at, collector, reason, errors, event_id, content_type,
          length(raw) AS raw_bytes, substringUTF8(raw, 1, ${PREVIEW_CHARS}) AS raw_preview
        FROM dead_letters
        WHERE ${scopeOf(p).where}`,
      { sort: DEAD_LETTER_SORT, key: sql`id`, limit: p.limit, cursor: p.cursor },
    ),
    deadLetterRowSchema.extend(pageKeyColumn),
  );
  const page = keysetPage(rows, p.limit);
  const stored = await storedEventIds(store, page.items.map((r) => r.event_id));
  return { ...page, items: page.items.map((r) => ({ ...r, stored: r.event_id !== '' && stored.has(r.event_id) })) };
}

/** A page of the letters with the counts by reason, collector and state. */
export async function getDeadLetters(store: Store, params: DeadLettersParams): Promise<DeadLettersResult> {
  const p = deadLettersParamsSchema.parse(params);
  const { scope, where } = scopeOf(p);
  const [page, byReason, byCollector, byState] = await Promise.all([
    getDeadLetterPage(store, p),
    store.query(sql`SELECT toString(reason) AS key, count() AS count FROM dead_letters WHERE ${where} GROUP BY key ORDER BY count DESC, key`, countRow),
    store.query(sql`SELECT toString(collector) AS key, count() AS count FROM dead_letters WHERE ${where} GROUP BY key ORDER BY count DESC, key`, countRow),
    store.query(sql`SELECT countIf(${storedSince(scope)}) AS stored, count() - stored AS waiting FROM dead_letters WHERE ${scope}`, z.object({ stored: chNum, waiting: chNum })),
  ]);
  return {
    total: byReason.reduce((s, r) => s + r.count, 0),
    by_state: byState[0] ?? { waiting: 0, stored: 0 },
    by_reason: byReason,
    by_collector: byCollector,
    ...page,
  };
}
