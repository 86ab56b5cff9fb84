// The exception workflow state (open / acknowledged / assigned / snoozed / resolved) of
// stuck items, from the actions work's `exceptions` table (sql/065), keyed by the stuck item
// id `${rule}:${entity_key}`. No row = open; a snooze that has run out counts as open again.
// Read with argMax over version rather than FINAL (only the page's ids are looked up).

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { join, param, sql, type Sql } from '../clickhouse/sql';
import { inIdParts } from '../clickhouse/url-budget';
import { ANY_ASSIGNEE, EXCEPTION_STATE_FILTERS, UNASSIGNED } from '../contracts/actions';

export interface ExceptionState {
  state: string;
  assignee: string;
  /** Who put the item in this state, and when (ISO-8601); '' for an open item or a snooze that ran out. */
  by: string;
  at: string;
  /** Until when a snoozed item is snoozed (ISO-8601); '' otherwise. */
  until: string;
}

const stateRowSchema = z.object({ exception_id: z.string(), s: z.string(), assignee: z.string(), until: z.string().nullable(), by: z.string(), at: z.string() });

/**
 * The workflow state of the items `ids` (those with none recorded are absent: open). An
 * export's page names up to 20,000: to a server, in parts its URL takes (url-budget; 5,000
 * stuck items' ids were ~300 KB, over its 128 KiB per parameter, before 2026-12-06).
 */
export async function getExceptionStates(store: Store, ids: string[], now: Date = new Date()): Promise<Map<string, ExceptionState>> {
  const rows: z.infer<typeof stateRowSchema>[] = [];
  await inIdParts(store.kind, ids, async (part) => {
    rows.push(...(await store.query(
      sql`SELECT exception_id, argMax(state, version) AS s, argMax(assignee, version) AS assignee,
          argMax(snoozed_until, version) AS until, argMax(updated_by, version) AS by, argMax(updated_at, version) AS at
        FROM exceptions WHERE exception_id IN ${part} GROUP BY exception_id`,
      stateRowSchema,
    )));
  });
  const iso = (t: string) => `${t.replace(' ', 'T')}Z`;
  return new Map(
    rows.map((r) => {
      const expired = r.s === 'snoozed' && r.until !== null && new Date(iso(r.until)) <= now;
      return [
        r.exception_id,
        expired ? { state: 'open', assignee: r.assignee, by: '', at: '', until: '' } : { state: r.s, assignee: r.assignee, by: r.by, at: iso(r.at), until: r.s === 'snoozed' && r.until ? iso(r.until) : '' },
      ];
    }),
  );
}

/** An item's workflow fields as the lists carry them (stuck items, unstaffed projects, a deal's open records, open SLA breaches): no row = open. */
export function itemState(s: ExceptionState | undefined): { state: string; assignee: string; state_by: string; state_at: string; snoozed_until: string } {
  return { state: s?.state ?? 'open', assignee: s?.assignee ?? '', state_by: s?.by ?? '', state_at: s?.at ?? '', snoozed_until: s?.until ?? '' };
}

/**
 * Each stuck item's latest workflow row: assignee `a` ('' = nobody), state `s` and, for a
 * snooze, until when `u`. The exceptions table holds a row per human change: one small GROUP BY.
 */
export const LATEST_EXCEPTION = sql`SELECT exception_id, argMax(assignee, version) AS a, argMax(state, version) AS s,
    argMax(snoozed_until, version) AS u FROM exceptions GROUP BY exception_id`;

/**
 * Whether the assignee filter `f.assignee` (a username) names someone no item was ever
 * assigned to: the filter then matches nothing, and the queues need not be read (the nav's
 * count asks every 30 s, for most users with nothing assigned). Someone who once held an
 * item is read as usual. `of`: only items whose ids start with one of these (`<policy>:`: the
 * SLA policies read — someone who only ever held queue items holds none of a policy of one's own's breaches).
 */
export async function holdsNothing(store: Store, f: { assignee?: string }, of?: readonly string[]): Promise<boolean> {
  if (!f.assignee || f.assignee === UNASSIGNED) return false;
  const who = f.assignee === ANY_ASSIGNEE ? sql`assignee != ''` : sql`assignee = ${f.assignee}`;
  const which = of ? sql`AND arrayExists(p -> startsWith(exception_id, p), ${param('Array(String)', of)})` : sql``;
  const rows = await store.query(sql`SELECT 1 AS x FROM exceptions WHERE ${who} ${which} LIMIT 1`, z.object({ x: z.coerce.number() }));
  return rows.length === 0;
}

/**
 * The ids of the items `f.assignee` (a username) holds now among those whose ids start with one
 * of `of` (`<policy>:`) and, with `f.state`, in that state at `now` (getExceptionStates' reading,
 * as exceptionConditions reads it in SQL); null when they ever held more than `max` (read as
 * before: the list would be no narrowing, and a server takes ~128 KiB per parameter, ~2,000 of
 * the keys). Exactly what a list filtered to that person (and state) can match: looked up among
 * the items they ever held, a few, where exceptionConditions groups every item's rows.
 */
export async function heldItems(store: Store, f: { assignee: string; state?: ExceptionStateFilter }, of: readonly string[], now: Date, max = 1_000): Promise<string[] | null> {
  const ever = await store.query(
    sql`SELECT DISTINCT exception_id FROM exceptions WHERE assignee = ${f.assignee} AND arrayExists(p -> startsWith(exception_id, p), ${param('Array(String)', of)}) LIMIT ${max + 1}`,
    z.object({ exception_id: z.string() }),
  );
  if (ever.length > max) return null;
  const states = await getExceptionStates(store, ever.map((r) => r.exception_id), now);
  const inState = (s: ExceptionState) => !f.state || (f.state === 'active' ? s.state !== 'resolved' && s.state !== 'snoozed' : s.state === f.state);
  return [...states].filter(([, s]) => s.assignee === f.assignee && inState(s)).map(([id]) => id);
}

/**
 * A list's workflow filters (assignee, state) over items whose ids start with one of `of`
 * (`<queue or policy>:`): the stuck queues, the unstaffed projects and the breach list read
 * them alike. `none`: no item can match (the list need not be read). `on`: the condition on
 * the expression of an item's id (`1` without filters, `filtered` false). `records`: for one
 * person holding at most heldItems' `max` (the nav's counts, "Assigned to me"), the records
 * of the items they hold in the state asked, the only ones whose clocks need reading;
 * undefined: every record.
 */
export async function workScope(
  store: Store,
  f: { assignee?: string; state?: ExceptionStateFilter },
  of: readonly string[],
  now: Date,
): Promise<{ none: boolean; filtered: boolean; on: (id: Sql) => Sql; records?: string[] }> {
  const filtered = Boolean(f.assignee || f.state);
  if (of.length === 0 || !filtered) return { none: of.length === 0, filtered, on: () => sql`1` };
  const person = f.assignee && f.assignee !== UNASSIGNED && f.assignee !== ANY_ASSIGNEE ? f.assignee : null;
  const held = person ? await heldItems(store, { assignee: person, state: f.state }, of, now) : null;
  if (held) {
    const records = [...new Set(held.flatMap((id) => of.filter((p) => id.startsWith(p)).map((p) => id.slice(p.length))))];
    return { none: held.length === 0, filtered, on: (id) => sql`${id} IN ${held}`, records };
  }
  return { none: await holdsNothing(store, f, of), filtered, on: (id) => exceptionConditions(f, id, now) };
}

/** Usernames that hold at least one stuck item. */
export async function currentAssignees(store: Store): Promise<string[]> {
  const rows = await store.query(sql`SELECT DISTINCT a FROM (${LATEST_EXCEPTION}) WHERE a != '' ORDER BY a`, z.object({ a: z.string() }));
  return rows.map((r) => r.a);
}

export type ExceptionStateFilter = (typeof EXCEPTION_STATE_FILTERS)[number];

/**
 * A queue's filters on the exception workflow, as a condition on the expression of its items'
 * ids: assigned to `assignee` (a username; UNASSIGNED: to nobody; ANY_ASSIGNEE: to someone), and in `state` — active
 * (needs work), snoozed (until after `now`) or resolved. A snooze that has run out is active.
 */
export function exceptionConditions(f: { assignee?: string; state?: ExceptionStateFilter }, id: Sql, now: Date): Sql {
  const parts: Sql[] = [];
  const ids = (where: Sql) => sql`(SELECT exception_id FROM (${LATEST_EXCEPTION}) WHERE ${where})`;
  if (f.assignee === UNASSIGNED) parts.push(sql`${id} NOT IN ${ids(sql`a != ''`)}`);
  else if (f.assignee === ANY_ASSIGNEE) parts.push(sql`${id} IN ${ids(sql`a != ''`)}`);
  else if (f.assignee) parts.push(sql`${id} IN ${ids(sql`a = ${f.assignee}`)}`);
  const snoozed = sql`s = 'snoozed' AND u > ${now}`;
  if (f.state === 'active') parts.push(sql`${id} NOT IN ${ids(sql`s = 'resolved' OR (${snoozed})`)}`);
  else if (f.state === 'snoozed') parts.push(sql`${id} IN ${ids(snoozed)}`);
  else if (f.state === 'resolved') parts.push(sql`${id} IN ${ids(sql`s = 'resolved'`)}`);
  return parts.length ? join(parts, ' AND ') : sql`1`;
}
