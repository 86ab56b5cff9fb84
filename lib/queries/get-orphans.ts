// Orphans: stored events not yet stitched to a deal (correlation_id = ''), oldest first,
// with their age (now − received_at: how long they have waited) and the references they
// wait for (refs naming records Cashtrace has not seen yet). Summary by age and source.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { join, param, sql, type Sql } from '../clickhouse/sql';
import { filtersSchema, timeWindow, type Filters } from './filters';
import { pageOf, pageOffset, pageSchema } from './page';
import { chNum, chIso } from './ch-columns';

export const orphansParamsSchema = filtersSchema.pick({ from: true, to: true }).extend(pageSchema.shape).extend({
  source: z.string().max(40).optional(),
  type: z.string().max(80).optional(),
  /** The instant ages are measured against (ISO-8601); defaults to the current time. */
  now: z.iso.datetime({ offset: true }).optional(),
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

function conditions(p: z.infer<typeof orphansParamsSchema>): Sql {
  // correlation_id = '' is the sort key's first column: orphans are one contiguous range.
  const c: Sql[] = [sql`correlation_id = ''`, timeWindow(p as Filters, sql`occurred_at`)];
  if (p.source) c.push(sql`source = ${p.source}`);
  if (p.type) c.push(sql`type = ${p.type}`);
  return join(c, ' AND ');
}

export async function getOrphans(store: Store, params: OrphansParams): Promise<OrphansResult> {
  const p = orphansParamsSchema.parse(params);
  const nowIso = new Date(p.now ?? Date.now()).toISOString();
  const now = param("DateTime64(3, 'UTC')", nowIso);
  const where = conditions(p);
  const ageS = sql`greatest(0, (toUnixTimestamp64Milli(${now}) - toUnixTimestamp64Milli(received_at)) / 1000)`;
  const [rows, [summary], bySource] = await Promise.all([
    store.query(
      sql`WITH (
            SELECT groupUniqArray(entity_key) FROM events
            WHERE entity_key IN (SELECT arrayJoin(refs) FROM events WHERE correlation_id = '')
          ) AS known
          SELECT event_id, source, type, entity_key, refs,
            arrayFilter(r -> NOT has(known, r), refs) AS waiting_for,
            occurred_at, received_at, ${ageS} AS age_s
          FROM events
          WHERE ${where}
          ORDER BY received_at ASC, event_id
          LIMIT ${p.limit + 1} OFFSET ${pageOffset(p)}`,
      orphanRowSchema,
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
  const counts = [summary.b0, summary.b1, summary.b2, summary.b3];
  return {
    now: nowIso,
    total: summary.total,
    oldest_age_s: summary.total > 0 ? summary.oldest_age_s : null,
    by_age: ORPHAN_AGE_BUCKETS.map((bucket, i) => ({ bucket, count: counts[i] })),
    by_source: bySource,
    ...pageOf(rows, p),
  };
}
