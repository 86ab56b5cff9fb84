// The audit trail, newest first, filtered by time, actor, action, outcome and target.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql, join, type Sql } from '../clickhouse/sql';
import { auditRowSchema, type AuditRow } from '../contracts/audit';
import { keysetCursorParam, keysetPage, keysetPageSql, pageKeyColumn, type SortKey } from './page';
import { dateParam } from './filters';

export const auditQuerySchema = z.object({
  from: dateParam.optional(),
  to: dateParam.optional(),
  actor: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  outcome: z.string().max(40).optional(),
  target: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(200),
  /** Opaque keyset cursor from the previous page's `next_cursor`. */
  cursor: keysetCursorParam.optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const AUDIT_COLUMNS = ['at', 'actor_name', 'actor_role', 'via', 'action', 'target', 'reason', 'outcome', 'details', 'ip', 'id'] as const;

/** Newest first; the entry's id (as text) orders entries of one millisecond. */
const AUDIT_SORT: readonly SortKey[] = [
  { col: sql`at`, dir: 'DESC', type: 'DateTime64' },
  { col: sql`id`, dir: 'ASC', type: 'String' },
];

/** A page of the audit trail, after `q.cursor`, and the cursor of the next (keyset: the viewer pages it, the export walks it). */
export async function getAuditPage(store: Store, q: Partial<AuditQuery>): Promise<{ entries: AuditRow[]; next_cursor: string | null }> {
  const c: Sql[] = [sql`1`];
  if (q.from) c.push(sql`at >= parseDateTime64BestEffort(${q.from}, 3, 'UTC')`);
  if (q.to) c.push(sql`at < parseDateTime64BestEffort(${q.to}, 3, 'UTC') + INTERVAL 1 DAY`);
  if (q.actor) c.push(sql`(actor_name = ${q.actor} OR actor_id = ${q.actor})`);
  if (q.action) c.push(sql`startsWith(action, ${q.action})`);
  if (q.outcome) c.push(sql`outcome = ${q.outcome}`);
  if (q.target) c.push(sql`positionCaseInsensitive(target, ${q.target}) > 0`);
  const limit = q.limit ?? 200;
  const rows = await store.query(
    keysetPageSql(
      sql`SELECT toString(id) AS id, at, actor_id, actor_name, actor_role, via, action, target, reason, outcome, details, ip
        FROM audit_log WHERE ${join(c, ' AND ')}`,
      { sort: AUDIT_SORT, key: sql`id`, limit, cursor: q.cursor },
    ),
    auditRowSchema.extend(pageKeyColumn),
  );
  const page = keysetPage(rows, limit);
  return { entries: page.items, next_cursor: page.next_cursor };
}

/** The first page's entries (the newest `q.limit`). */
export async function getAuditLog(store: Store, q: Partial<AuditQuery>): Promise<AuditRow[]> {
  return (await getAuditPage(store, { ...q, cursor: undefined })).entries;
}
