// The exception workflow of stuck items (open ▶ acknowledged / assigned / snoozed ▶
// resolved), keyed by the stuck item id `${rule}:${entity_key}`. Each change is a new
// version of the row in `exceptions` (see sql/065_exceptions.sql for how queues join it).

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { chTime } from '../ingest/rows';
import { parseExceptionId } from './exception-id';

export { parseExceptionId };

export const EXCEPTION_STATES = ['open', 'acknowledged', 'assigned', 'snoozed', 'resolved'] as const;
export type ExceptionState = (typeof EXCEPTION_STATES)[number];

/** ClickHouse 'YYYY-MM-DD hh:mm:ss.sss' (UTC) ▶ ISO-8601. */
export const chIso = z.string().transform((s) => (s.includes('T') ? s : `${s.replace(' ', 'T')}Z`));

export const exceptionSchema = z.object({
  exception_id: z.string(),
  rule: z.string(),
  entity_key: z.string(),
  state: z.enum(EXCEPTION_STATES),
  assignee: z.string(),
  snoozed_until: chIso.nullable(),
  resolution_code: z.string(),
  opened_at: chIso,
  resolved_at: chIso.nullable(),
  updated_at: chIso,
  updated_by: z.string(),
  last_action_id: z.string(),
});
export type ExceptionRow = z.infer<typeof exceptionSchema>;

export async function getException(store: Store, id: string): Promise<ExceptionRow | null> {
  const rows = await store.query(sql`SELECT * EXCEPT (version) FROM exceptions FINAL WHERE exception_id = ${id}`, exceptionSchema);
  return rows[0] ?? null;
}

export interface ExceptionChange {
  exception_id: string;
  kind: 'acknowledge' | 'assign' | 'snooze' | 'resolve';
  assignee?: string;
  until?: string;
  resolution_code?: string;
  stuck_since?: string;
  by: string;
  action_id: string;
}

const STATE_OF: Record<ExceptionChange['kind'], ExceptionState> = { acknowledge: 'acknowledged', assign: 'assigned', snooze: 'snoozed', resolve: 'resolved' };
let seq = 0;

export async function applyExceptionChange(store: Store, c: ExceptionChange): Promise<ExceptionRow> {
  const parsed = parseExceptionId(c.exception_id);
  if (!parsed) throw new Error(`invalid exception id ${c.exception_id}`);
  const cur = await getException(store, c.exception_id);
  const now = new Date().toISOString();
  // (re)assigning a snoozed item keeps its snooze: it is the new holder's once the snooze runs out
  const snoozed = cur?.state === 'snoozed' && cur.snoozed_until !== null && Date.parse(cur.snoozed_until) > Date.parse(now);
  const keepSnooze = c.kind === 'assign' && snoozed;
  // unassigning (an empty assignee) leaves the item seen but nobody's: acknowledged
  const state = keepSnooze ? 'snoozed' : c.kind === 'assign' && !c.assignee ? 'acknowledged' : STATE_OF[c.kind];
  const row: ExceptionRow = {
    exception_id: c.exception_id,
    rule: parsed.rule,
    entity_key: parsed.entity_key,
    state,
    assignee: c.kind === 'assign' ? (c.assignee ?? '') : (cur?.assignee ?? ''),
    snoozed_until: c.kind === 'snooze' ? (c.until ?? null) : keepSnooze ? cur.snoozed_until : null,
    resolution_code: c.kind === 'resolve' ? (c.resolution_code ?? '') : '',
    opened_at: cur?.opened_at ?? c.stuck_since ?? now,
    resolved_at: c.kind === 'resolve' ? now : null,
    updated_at: now,
    updated_by: c.by,
    last_action_id: c.action_id,
  };
  const t = (v: string | null) => (v ? chTime(new Date(v).toISOString()) : null);
  await store.insertJsonEachRow(
    'exceptions',
    JSON.stringify({ ...row, snoozed_until: t(row.snoozed_until), opened_at: t(row.opened_at), resolved_at: t(row.resolved_at), updated_at: t(row.updated_at), version: Date.now() * 1000 + (seq++ % 1000) }),
  );
  return row;
}
