// Orphans: stored events not yet stitched to a deal (correlation_id = ''), oldest first,
// with their age (now − received_at: how long they have waited) and the references they
// wait for (refs naming records Cashtrace has not seen yet), and which of those were
// dead-lettered (the newest letter about each). Summary by age and source.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { join, param, sql, type Sql } from '../clickhouse/sql';
import { filtersSchema, nowParam, timeWindow, type Filters } from './filters';
import { keysetPage, keysetPageSql, pageKeyColumn, pageSchema, type SortKey } from './page';
import { chNum, chIso } from './ch-columns';
import { parseEntityKey } from '../events/entity-key';

export const orphansParamsSchema = filtersSchema.pick({ from: true, to: true }).extend(pageSchema.shape).extend({
  source: z.string().max(40).optional(),
  type: z.string().max(80).optional(),
  /** The instant ages are measured against (ISO-8601); defaults to the current time. */
  now: nowParam({ offset: true }).optional(),
});
export type OrphansParams = z.input<typeof orphansParamsSchema>;

export const orphanRowSchema = z.object({
  event_id: z.string(),
  source: z.string(),
  type: z.string(),
  entity_key: z.string(),
  refs: z.array(z.string()),
  /** Refs naming records that no stored event is about yet. */
  waiting_for: z.array(z.string()),
  /** Of those, the ones an event about them was dead-lettered for, with the newest such letter (its id). */
  dead_lettered: z.array(z.object({ key: z.string(), letter_id: z.string() })),
  occurred_at: chIso,
  received_at: chIso,
  age_s: chNum,
});
export type OrphanRow = z.infer<typeof orphanRowSchema>;

export const ORPHAN_AGE_BUCKETS = ['< 1 h', '1–24 h', '1–7 d', '> 7 d'] as const;

const summaryRow = z.object({ total: chNum, oldest_age_s: chNum, b0: chNum, b1: chNum, b2: chNum, b3: chNum });
const sourceRow = z.object({ key: z.string(), count: chNum });

export interface OrphansResult {
  now: string;
  total: number;
  oldest_age_s: number | null;
  by_age: { bucket: (typeof ORPHAN_AGE_BUCKETS)[number]; count: number }[];
  by_source: { key: string; count: number }[];
  items: OrphanRow[];
  next_cursor: string | null;
}

/** Oldest first; the event ID orders events received in one millisecond. */
const ORPHAN_SORT: readonly SortKey[] = [
  { col: sql`received_at`, dir: 'ASC', type: 'DateTime64' },
  { col: sql`event_id`, dir: 'ASC', type: 'String' },
];

function conditions(p: z.infer<typeof orphansParamsSchema>): Sql {
  // correlation_id = '' is the sort key's first column: orphans are one contiguous range.
  const c: Sql[] = [sql`correlation_id = ''`, timeWindow(p as Filters, sql`occurred_at`)];
  if (p.source) c.push(sql`source = ${p.source}`);
  if (p.type) c.push(sql`type = ${p.type}`);
  return join(c, ' AND ');
}

/**
 * Which of `keys` name a record Cashtrace knows. For an orphan's refs that is a key of a deal
 * (`deal_keys`, sorted by entity ID: a ref there would have stitched the orphan, so only
 * until its deal's next refresh) or the key of another orphan (the events sorted by deal,
 * orphans first): two reads by index. Looking the keys up among all events' keys scans every
 * event: ~160 ms a page at 9.9M events, ~200 with every orphan's refs as the set.
 */
async function storedRecords(store: Store, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const unique = [...new Set(keys)];
  const ids = unique.map((k) => parseEntityKey(k)?.entity_id ?? k);
  const rows = await store.query(
    sql`SELECT entity_key FROM deal_keys WHERE entity_id IN ${ids} AND entity_key IN ${unique}
      UNION DISTINCT
      SELECT entity_key FROM events WHERE correlation_id = '' AND entity_key IN ${unique}`,
    z.object({ entity_key: z.string() }),
  );
  return new Set(rows.map((r) => r.entity_key));
}

/**
 * Which of `keys` a dead-lettered event was about, with the newest such letter: the record an
 * orphan waits for may have been rejected (replay it and the orphan stitches).
 */
async function deadLettered(store: Store, keys: string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await store.query(
    sql`SELECT entity_key, argMax(toString(id), received_at) AS letter_id FROM dead_letters
      WHERE entity_key IN ${[...new Set(keys)]} GROUP BY entity_key`,
    z.object({ entity_key: z.string(), letter_id: z.string() }),
  );
  return new Map(rows.map((r) => [r.entity_key, r.letter_id]));
}

export async function getOrphans(store: Store, params: OrphansParams): Promise<OrphansResult> {
  const p = orphansParamsSchema.parse(params);
  const nowIso = new Date(p.now ?? Date.now()).toISOString();
  const now = param("DateTime64(3, 'UTC')", nowIso);
  const where = conditions(p);
  const ageS = sql`greatest(0, (toUnixTimestamp64Milli(${now}) - toUnixTimestamp64Milli(received_at)) / 1000)`;
  const [page, [summary], bySource] = await Promise.all([
    store.query(
      sql`SELECT *, ${ageS} AS age_s FROM (${keysetPageSql(
        sql`SELECT event_id, source, type, entity_key, refs, occurred_at, received_at FROM events WHERE ${where}`,
        { sort: ORPHAN_SORT, key: sql`event_id`, limit: p.limit, cursor: p.cursor },
      )}) ORDER BY received_at, event_id`,
      orphanRowSchema.omit({ waiting_for: true, dead_lettered: true }).extend(pageKeyColumn),
    ),
    store.query(
      sql`SELECT count() AS total, max(age) AS oldest_age_s,
            countIf(age < 3600) AS b0, countIf(age >= 3600 AND age < 86400) AS b1,
            countIf(age >= 86400 AND age < 604800) AS b2, countIf(age >= 604800) AS b3
          FROM (SELECT ${ageS} AS age FROM events WHERE ${where})`,
      summaryRow,
    ),
    store.query(sql`SELECT toString(source) AS key, count() AS count FROM events WHERE ${where} GROUP BY key ORDER BY count DESC, key`, sourceRow),
  ]);
  // both lookups over the page's refs at once (the letters of refs that turn out known are dropped)
  const refs = page.flatMap((o) => o.refs);
  const [known, letters] = await Promise.all([storedRecords(store, refs), deadLettered(store, refs)]);
  const rows = page.map((o) => {
    const waiting_for = o.refs.filter((r) => !known.has(r));
    return { ...o, waiting_for, dead_lettered: waiting_for.filter((k) => letters.has(k)).map((key) => ({ key, letter_id: letters.get(key)! })) };
  });
  const counts = [summary.b0, summary.b1, summary.b2, summary.b3];
  return {
    now: nowIso,
    total: summary.total,
    oldest_age_s: summary.total > 0 ? summary.oldest_age_s : null,
    by_age: ORPHAN_AGE_BUCKETS.map((bucket, i) => ({ bucket, count: counts[i] })),
    by_source: bySource,
    ...keysetPage(rows, p.limit),
  };
}
