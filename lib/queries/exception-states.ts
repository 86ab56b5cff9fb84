// The exception workflow state (open / acknowledged / assigned / snoozed / resolved) of
// stuck items, from the actions work's `exceptions` table (sql/065), keyed by the stuck item
// id `${rule}:${entity_key}`. No row = open; a snooze that has run out counts as open again.
// Read with argMax over version rather than FINAL (only the page's ids are looked up).

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql, type Sql } from '../clickhouse/sql';
import { UNASSIGNED } from '../contracts/actions';

export interface ExceptionState {
  state: string;
  assignee: string;
  /** Who put the item in this state, and when (ISO-8601); '' for an open item or a snooze that ran out. */
  by: string;
  at: string;
}

export async function getExceptionStates(store: Store, ids: string[], now: Date = new Date()): Promise<Map<string, ExceptionState>> {
  if (ids.length === 0) return new Map();
  const rows = await store.query(
    sql`SELECT exception_id, argMax(state, version) AS s, argMax(assignee, version) AS assignee,
        argMax(snoozed_until, version) AS until, argMax(updated_by, version) AS by, argMax(updated_at, version) AS at
      FROM exceptions WHERE exception_id IN ${ids} GROUP BY exception_id`,
    z.object({ exception_id: z.string(), s: z.string(), assignee: z.string(), until: z.string().nullable(), by: z.string(), at: z.string() }),
  );
  const iso = (t: string) => `${t.replace(' ', 'T')}Z`;
  return new Map(
    rows.map((r) => {
      const expired = r.s === 'snoozed' && r.until !== null && new Date(iso(r.until)) <= now;
      return [r.exception_id, expired ? { state: 'open', assignee: r.assignee, by: '', at: '' } : { state: r.s, assignee: r.assignee, by: r.by, at: iso(r.at) }];
    }),
  );
}

/**
 * Each stuck item's latest assignee (`exception_id`, `a`; '' = nobody). The exceptions table
 * holds a row per human change: one small GROUP BY.
 */
export const LATEST_ASSIGNEE = sql`SELECT exception_id, argMax(assignee, version) AS a FROM exceptions GROUP BY exception_id`;

/** Usernames that hold at least one stuck item. */
export async function currentAssignees(store: Store): Promise<string[]> {
  const rows = await store.query(sql`SELECT DISTINCT a FROM (${LATEST_ASSIGNEE}) WHERE a != '' ORDER BY a`, z.object({ a: z.string() }));
  return rows.map((r) => r.a);
}

/** Items assigned to `assignee` (a username; UNASSIGNED: to nobody), as a condition on the expression of their stuck item id. */
export function assigneeCondition(assignee: string | undefined, id: Sql): Sql {
  if (!assignee) return sql`1`;
  if (assignee === UNASSIGNED) return sql`${id} NOT IN (SELECT exception_id FROM (${LATEST_ASSIGNEE}) WHERE a != '')`;
  return sql`${id} IN (SELECT exception_id FROM (${LATEST_ASSIGNEE}) WHERE a = ${assignee})`;
}
