// Durable actions: the request row (written once) and its append-only status log. The
// current status is the highest-ranked step reached (argMax over (rank, at)).

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql, type Sql } from '../clickhouse/sql';
import { chTime } from '../ingest/rows';
import { chIso } from './exceptions';
import { ACTION_KINDS, ACTION_STATUSES, STATUS_RANK, actionSchema, type Action, type ActionStatus } from '../contracts/actions';

export interface ActionRecord {
  action_id: string;
  idempotency_key: string;
  kind: (typeof ACTION_KINDS)[number];
  target: string;
  entity_key: string;
  exception_id: string;
  dead_letter_id: string;
  assignee: string;
  until: string | null;
  resolution_code: string;
  reason: string;
  /** The request body as JSON (compared on an Idempotency-Key repeat). */
  request: string;
  requested_by: string;
  requested_by_name: string;
  requested_role: string;
  requested_at: string;
  subject: string;
}

const recordSchema = actionSchema.omit({ status: true, detail: true, history: true, requested_at: true }).extend({
  idempotency_key: z.string(),
  until: chIso.nullable(),
  request: z.string(),
  requested_at: chIso,
});

export async function insertAction(store: Store, a: ActionRecord): Promise<void> {
  await store.insertJsonEachRow('actions', JSON.stringify({ ...a, until: a.until ? chTime(a.until) : null, requested_at: chTime(a.requested_at) }));
}

export interface StatusStep {
  action_id: string;
  status: ActionStatus;
  detail?: string;
  at?: string;
}

/** Appends lifecycle steps (one insert for all of them). */
export async function appendStatus(store: Store, steps: StatusStep[]): Promise<void> {
  if (steps.length === 0) return;
  const now = new Date().toISOString();
  const body = steps
    .map((s) => JSON.stringify({ action_id: s.action_id, at: chTime(s.at ?? now), status: s.status, rank: STATUS_RANK[s.status], detail: s.detail ?? '' }))
    .join('\n');
  await store.insertJsonEachRow('action_status', body);
}

export async function findByIdempotencyKey(store: Store, requestedBy: string, key: string): Promise<ActionRecord | null> {
  const rows = await store.query(
    sql`SELECT * FROM actions WHERE requested_by = ${requestedBy} AND idempotency_key = ${key} ORDER BY requested_at LIMIT 1`,
    recordSchema,
  );
  return rows[0] ?? null;
}

const stepRowSchema = z.object({ action_id: z.string(), status: z.enum(ACTION_STATUSES), at: chIso, detail: z.string(), rank: z.coerce.number() });

function currentOf(steps: z.infer<typeof stepRowSchema>[]): { status: ActionStatus; detail: string } {
  let best = steps[0];
  for (const s of steps) if (s.rank > best.rank || (s.rank === best.rank && s.at >= best.at)) best = s;
  return best ? { status: best.status, detail: best.detail } : { status: 'requested', detail: '' };
}

async function withHistory(store: Store, records: ActionRecord[]): Promise<Action[]> {
  if (records.length === 0) return [];
  const ids = records.map((r) => r.action_id);
  const steps = await store.query(sql`SELECT action_id, status, at, detail, rank FROM action_status WHERE has(${ids}, action_id) ORDER BY at, rank`, stepRowSchema);
  const by = new Map<string, z.infer<typeof stepRowSchema>[]>();
  for (const s of steps) by.set(s.action_id, [...(by.get(s.action_id) ?? []), s]);
  return records.map((r) => {
    const h = by.get(r.action_id) ?? [];
    const { idempotency_key: _k, request: _r, until: _u, ...rest } = r;
    return { ...rest, ...currentOf(h), history: h.map((s) => ({ status: s.status, at: s.at, detail: s.detail })) };
  });
}

export async function getAction(store: Store, id: string): Promise<Action | null> {
  const rows = await store.query(sql`SELECT * FROM actions WHERE action_id = ${id} LIMIT 1`, recordSchema);
  return (await withHistory(store, rows))[0] ?? null;
}

export async function getActionRecord(store: Store, id: string): Promise<ActionRecord | null> {
  const rows = await store.query(sql`SELECT * FROM actions WHERE action_id = ${id} LIMIT 1`, recordSchema);
  return rows[0] ?? null;
}

/** Recent actions, newest first, optionally about one record or exception. */
export async function listActions(store: Store, f: { entity_key?: string; exception_id?: string; limit?: number }): Promise<Action[]> {
  const conds: Sql[] = [sql`1`];
  if (f.entity_key) conds.push(sql`entity_key = ${f.entity_key}`);
  if (f.exception_id) conds.push(sql`exception_id = ${f.exception_id}`);
  const where = conds.reduce((a, c) => sql`${a} AND ${c}`);
  const rows = await store.query(sql`SELECT * FROM actions WHERE ${where} ORDER BY requested_at DESC LIMIT ${f.limit ?? 50}`, recordSchema);
  return withHistory(store, rows);
}

/** Command actions still waiting for the connector (sent or acknowledged), requested since `since`. */
export async function pendingCommandActions(store: Store, since: Date): Promise<(ActionRecord & { status: ActionStatus })[]> {
  return store.query(
    sql`SELECT a.*, s.status AS status FROM actions AS a
        INNER JOIN (
          SELECT action_id, argMax(status, (rank, at)) AS status FROM action_status
          WHERE action_id IN (SELECT action_id FROM actions WHERE requested_at >= ${since} AND kind IN ('resync', 'retry'))
          GROUP BY action_id
        ) AS s ON s.action_id = a.action_id
        WHERE a.requested_at >= ${since} AND s.status IN ('sent', 'acknowledged')`,
    recordSchema.extend({ status: z.enum(ACTION_STATUSES) }),
  );
}
