// Dead letters (input Cashtrace could not accept), newest first: reason, collector, the
// validation errors, a preview of the raw bytes, with counts by reason and collector.
// Each says whether its event has been stored since (its source sent it again corrected, or
// IT replayed it), by event ID or as its record's event of its type received after it:
// `stored`, and the `state` filter (waiting | stored).
// The full raw payload of one letter is read by get-dead-letter.ts.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { join, param, sql, type Sql } from '../clickhouse/sql';
import { filtersSchema, timeWindow, type Filters } from './filters';
import { keysetPage, keysetPageSql, pageKeyColumn, pageSchema, type SortKey } from './page';
import { chNum, chIso, chIsoOrNull } from './ch-columns';
import { isRecurring, RECURRING_TYPES } from '../events/catalogue';

export const PREVIEW_CHARS = 240;

export const deadLettersParamsSchema = filtersSchema.pick({ from: true, to: true }).extend(pageSchema.shape).extend({
  collector: z.string().max(100).optional(),
  reason: z.string().max(100).optional(),
  /** Exact event ID, or a fragment of the raw payload. */
  q: z.string().min(1).max(200).optional(),
  /** `stored`: the letter's event was stored since (its event ID, or its record's event of its type received after it); `waiting`: not. */
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
  /** Its event has been stored since (resent by its source, or replayed): its event ID, or its record's event of its type received after it. */
  stored: boolean;
};

/** The columns storedLetters reads beside a row's id, event ID and receipt. */
export const letterKeyColumns = { entity_key: z.string(), event_type: z.string(), occurred_at: chIsoOrNull };
/** Their SQL, in the order of letterKeyColumns. */
export const LETTER_KEY_SQL = sql`entity_key, toString(event_type) AS event_type, occurred_at`;

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
 * The latest receipt of each record's event of each type that `facts` (a condition on
 * event_facts) selects: found by event_facts' key (type, entity_key), then read in events by
 * their key (deal, event). The events' entity_id index would read most of a large store for a
 * few hundred records.
 */
function lastReceipts(facts: Sql, withEventId = false): Sql {
  const eventId = withEventId ? sql`, argMax(event_id, received_at) AS last_event_id` : sql``;
  return sql`SELECT entity_key, toString(type) AS event_type, occurred_at, max(received_at) AS last_received${eventId} FROM events
    WHERE (correlation_id, event_id) IN (SELECT correlation_id, event_id FROM event_facts WHERE ${facts})
    GROUP BY entity_key, event_type, occurred_at`;
}

/**
 * Whether a stored event of the letter's record and type (e) is the letter's event: any such
 * event is, unless the type recurs on one record (RECURRING_TYPES), where it must be of the
 * letter's business time too (a letter without a valid one cannot tell, and any counts).
 */
function sameOccurrence(letter: Sql, e: Sql): Sql {
  return sql`(${letter}.event_type NOT IN ${[...RECURRING_TYPES]} OR ${letter}.occurred_at IS NULL OR ${e}.occurred_at = ${letter}.occurred_at)`;
}

/** sameOccurrence for a letter and a stored event's business time (ISO) read back. */
function isSameOccurrence(l: Pick<LetterKeys, 'event_type' | 'occurred_at'>, eventOccurredAt: string): boolean {
  return !isRecurring(l.event_type) || l.occurred_at === null || Date.parse(eventOccurredAt) === Date.parse(l.occurred_at);
}

/**
 * Whether a letter's event was stored since: its event ID among the stored events' IDs
 * (looked up by event_ids' key for the IDs of the letters `where` selects only), or its
 * record's event of its type received after it, under any event ID (sql/012: a source
 * without its own IDs hashes a corrected payload to a new one), of its business time when
 * the type recurs on one record (sql/080).
 */
function storedSince(where: Sql): Sql {
  const letters = sql`SELECT id, entity_key, event_type, occurred_at, received_at FROM dead_letters WHERE ${where} AND entity_key != '' AND event_type != ''`;
  return sql`((event_id != '' AND event_id IN (SELECT event_id FROM event_ids
      WHERE event_id IN (SELECT event_id FROM dead_letters WHERE ${where} AND event_id != '')))
    OR id IN (SELECT l.id FROM (${letters}) AS l
      INNER JOIN (${lastReceipts(sql`(type, entity_key) IN (SELECT event_type, entity_key FROM (${letters}))`)}) AS e
        ON e.entity_key = l.entity_key AND e.event_type = l.event_type
      WHERE e.last_received >= l.received_at AND ${sameOccurrence(sql`l`, sql`e`)}))`;
}

const receiptRow = z.object({ entity_key: z.string(), event_type: z.string(), occurred_at: chIso, last_received: chIso });

/** What storedLetters reads of a letter. */
export interface LetterKeys {
  id: string;
  event_id: string;
  entity_key: string;
  event_type: string;
  /** The business time its raw input names (valid only), or null. */
  occurred_at: string | null;
  received_at: string;
}

type LetterKeyName = keyof typeof letterKeyColumns;

/** A row without the columns only storedLetters reads (they are not part of the answer). */
export function withoutLetterKeys<T extends Record<LetterKeyName, unknown>>(row: T): Omit<T, LetterKeyName> {
  const rest: Partial<T> = { ...row };
  for (const k of Object.keys(letterKeyColumns) as LetterKeyName[]) delete rest[k];
  return rest as Omit<T, LetterKeyName>;
}

/** Which of these letters (a page, or one) have their event stored since, as storedSince says. */
export async function storedLetters(store: Store, letters: LetterKeys[]): Promise<Set<string>> {
  const named = letters.filter((l) => l.entity_key && l.event_type);
  const [ids, receipts] = await Promise.all([
    storedEventIds(store, letters.map((l) => l.event_id)),
    named.length === 0
      ? []
      : store.query(
          lastReceipts(sql`type IN ${[...new Set(named.map((l) => l.event_type))]} AND entity_key IN ${[...new Set(named.map((l) => l.entity_key))]}`),
          receiptRow,
        ),
  ]);
  const byRecord = new Map<string, z.infer<typeof receiptRow>[]>();
  for (const r of receipts) {
    const k = `${r.event_type} ${r.entity_key}`;
    const list = byRecord.get(k);
    if (list) list.push(r);
    else byRecord.set(k, [r]);
  }
  const since = (l: LetterKeys) =>
    (byRecord.get(`${l.event_type} ${l.entity_key}`) ?? []).some((r) => Date.parse(r.last_received) >= Date.parse(l.received_at) && isSameOccurrence(l, r.occurred_at));
  return new Set(letters.filter((l) => (l.event_id !== '' && ids.has(l.event_id)) || since(l)).map((l) => l.id));
}

/**
 * The event ID its record's event of its type was last stored under, when received after the
 * letter and not under the letter's own ID: most likely the same event, sent again corrected
 * under a new ID (a source without IDs of its own hashes its payload), which a replay would
 * store a second time. Null when there is none, when the letter names no record, or when its
 * own event ID is stored (a replay is then a duplicate and changes nothing). The same two
 * lookups as storedLetters, for one letter.
 */
export async function storedUnderAnotherId(store: Store, l: LetterKeys): Promise<string | null> {
  if (!l.entity_key || !l.event_type) return null;
  const [ids, receipts] = await Promise.all([
    storedEventIds(store, [l.event_id]),
    store.query(lastReceipts(sql`type = ${l.event_type} AND entity_key = ${l.entity_key}`, true), receiptRow.extend({ last_event_id: z.string() })),
  ]);
  // the latest receipt of the letter's event (of its business time, for a recurring type)
  const last = receipts
    .filter((r) => isSameOccurrence(l, r.occurred_at))
    .reduce<(typeof receipts)[number] | undefined>((a, r) => (!a || Date.parse(r.last_received) > Date.parse(a.last_received) ? r : a), undefined);
  if (ids.has(l.event_id) || !last || Date.parse(last.last_received) < Date.parse(l.received_at)) return null;
  return last.last_event_id;
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
          length(raw) AS raw_bytes, substringUTF8(raw, 1, ${PREVIEW_CHARS}) AS raw_preview, ${LETTER_KEY_SQL}
        FROM dead_letters
        WHERE ${scopeOf(p).where}`,
      { sort: DEAD_LETTER_SORT, key: sql`id`, limit: p.limit, cursor: p.cursor },
    ),
    deadLetterRowSchema.extend(letterKeyColumns).extend(pageKeyColumn),
  );
  const page = keysetPage(rows, p.limit);
  const stored = await storedLetters(store, page.items);
  return { ...page, items: page.items.map((r) => ({ ...withoutLetterKeys(r), stored: stored.has(r.id) })) };
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
