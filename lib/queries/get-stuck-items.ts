// The items of one stuck queue (or several, e.g. the finance view), searchable by customer
// and record key, sorted by an allowed column, paginated by keyset with an opaque cursor.
// Hours late grow with the clock (in business time, on each entity's calendar: a weekend
// reorders items of different calendars), so a walk sorted by them is read as of its first
// page's instant, which its cursor carries: its pages agree on every item's lateness.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql, ident, param, type Sql } from '../clickhouse/sql';
import { stuckOfRulesSql } from '../stuck/stuck-sql';
import { clockReader } from '../clocks/read';
import { STUCK_RULE_NAMES, stuckRule, type StuckRule, type StuckRuleName, type ThresholdOverrides } from '../stuck/rules';
import { reportingCurrency } from '../money/rates';
import { stuckItemSchema, stuckWorkloadRowSchema, type StuckItemsResponse, type StuckQuery, type StuckWorkloadParams, type StuckWorkloadResponse } from '../contracts/stuck';
import type { Filters } from './filters';
import { num, chTimestamp, queryNow } from './row-types';
import { KEYSET_CURSOR_MAX, keysetPage, keysetPageSql, pageKeyColumn, type SortKey, type SortKeyType } from './page';
import { decodeCursor, encodeCursor } from './cursor';
import { inIdParts } from '../clickhouse/url-budget';
import { getExceptionStates, itemState, LATEST_EXCEPTION, workScope } from './exception-states';

export type StuckItemsParams = Filters &
  Partial<Pick<StuckQuery, 'rule' | 'rules' | 'q' | 'assignee' | 'state' | 'sort' | 'dir' | 'limit' | 'cursor' | 'now'>> & {
    thresholds?: ThresholdOverrides;
  };

const rowSchema = stuckItemSchema.omit({ last_event_type: true, last_event_at: true, state: true, assignee: true, state_by: true, state_at: true, snoozed_until: true, since: true }).extend({
  anchor_at: chTimestamp,
  late_hours: num,
  elapsed_hours: num,
  amount: num,
  value: num,
});

const SORT_COLUMNS = { value: 'value', late: 'late_hours', since: 'anchor_at', customer: 'customer' } as const;
/** Each sort's column type, as its value travels in the keyset cursor. */
const SORT_TYPES: Record<keyof typeof SORT_COLUMNS, SortKeyType> = { value: 'Float64', late: 'Float64', since: 'DateTime64', customer: 'String' };
const ORDERABLE = Object.values(SORT_COLUMNS);
/** A walk sorted by hours late: the instant its first page was read as of, and the keyset's cursor. */
const lateCursor = z.tuple([z.string().refine((t) => !Number.isNaN(Date.parse(t))), z.string().max(KEYSET_CURSOR_MAX)]);

export function selectedRules(p: { rule?: StuckRuleName; rules?: StuckRuleName[] }): StuckRuleName[] {
  if (p.rule) return [p.rule];
  if (p.rules && p.rules.length) return p.rules;
  return [...STUCK_RULE_NAMES];
}

/** A queue's search box: customer or record key containing `q` (any case), or the deal's ID; unstaffed projects search alike. */
export function searchCondition(q: string | undefined): Sql {
  if (!q) return sql`1`;
  return sql`(positionCaseInsensitive(customer, ${q}) > 0 OR positionCaseInsensitive(entity_key, ${q}) > 0 OR correlation_id = ${q})`;
}

/** Every stuck item of the selected rules (all: every rule) as of `now` (`records`: of these records only), each with its `id`, `rule` and `owner`. */
async function stuckUnion(store: Store, params: Filters & { rule?: StuckRuleName; rules?: StuckRuleName[]; thresholds?: ThresholdOverrides }, now: Date, records?: readonly string[]): Promise<Sql> {
  const { clocks, rules: set } = await clockReader(store);
  // every rule's clock in one read (as the summary): nine subqueries planned and read apart
  // cost ~2× at 9.4M events
  const specs = selectedRules(params).map((r) => stuckRule(r, params.thresholds, set));
  return sql`SELECT ${stuckIdSql(specs)} AS id, ${byRule(specs, 'name')} AS rule, ${byRule(specs, 'owner')} AS owner, *
    FROM ${stuckOfRulesSql(specs, { filters: params, now, records }, clocks)}`;
}

/** A column of the rule of each row of stuckOfRulesSql (by its index `k` into `specs`). */
const byRule = (specs: StuckRule[], col: 'name' | 'owner') => sql`transform(k, ${param('Array(Int64)', specs.map((_, k) => k))}, ${specs.map((r) => r[col])}, '')`;

/** Each row of stuckOfRulesSql's stuck item id, `${rule}:${entity_key}`, as the exception workflow keys it. */
export const stuckIdSql = (specs: StuckRule[]) => sql`concat(${byRule(specs, 'name')}, ':', entity_key)`;

export async function getStuckItems(store: Store, params: StuckItemsParams): Promise<StuckItemsResponse> {
  const sort = params.sort ?? 'value';
  const pinned = sort === 'late' && params.cursor ? decodeCursor(params.cursor, lateCursor) : null;
  const now = pinned ? new Date(pinned[0]) : queryNow(params.now);
  const cursor = pinned ? pinned[1] : params.cursor;
  const scope = await workScope(store, params, selectedRules(params).map((r) => `${r}:`), now);
  if (scope.none) return { rule: params.rule ?? null, total: 0, total_value: 0, items: [], next_cursor: null, reporting_currency: reportingCurrency() };
  const union = await stuckUnion(store, params, now, scope.records);
  const sortCol = ident(SORT_COLUMNS[sort], ORDERABLE);
  const desc = params.dir !== 'asc';
  const limit = params.limit ?? 50;
  const where = sql`${searchCondition(params.q)} AND ${scope.on(sql`id`)}`;
  const listed = sql`SELECT id, rule, owner, entity_key, correlation_id, customer, region, practice, legal_entity, billing_model,
      anchor_at, late_hours, elapsed_hours, amount, currency, value, aging_bucket, count() OVER () AS total, sum(value) OVER () AS total_value
    FROM (${union}) WHERE ${where}`;
  const keys: SortKey[] = [
    { col: sql`${sortCol}`, dir: desc ? 'DESC' : 'ASC', type: SORT_TYPES[sort] },
    { col: sql`id`, dir: 'ASC', type: 'String' },
  ];
  const q = keysetPageSql(listed, { sort: keys, key: sql`id`, limit, cursor });
  const page = keysetPage(await store.query(sql`${q} SETTINGS enable_materialized_cte = 1`, rowSchema.extend({ total: num, total_value: num }).extend(pageKeyColumn)), limit);
  const rows = page.items;
  const next_cursor = page.next_cursor && sort === 'late' ? encodeCursor([now.toISOString(), page.next_cursor]) : page.next_cursor;
  const { total, total_value } = rows[0] ?? (cursor ? await countItems(store, union, where) : { total: 0, total_value: 0 });
  const last = await lastEvents(store, [...new Set(rows.map((r) => r.correlation_id))], now);
  const states = await getExceptionStates(store, rows.map((r) => r.id), now);
  const items = rows.map(({ anchor_at, total: _t, total_value: _v, ...r }) => ({
    ...r,
    since: anchor_at,
    last_event_type: last.get(r.correlation_id)?.type ?? '',
    last_event_at: last.get(r.correlation_id)?.at ?? '',
    ...itemState(states.get(r.id)),
  }));
  return {
    rule: params.rule ?? null,
    total,
    total_value: Math.round(total_value * 100) / 100,
    items,
    next_cursor,
    reporting_currency: reportingCurrency(),
  };
}

async function countItems(store: Store, union: Sql, where: Sql): Promise<{ total: number; total_value: number }> {
  const [r] = await store.query(
    sql`SELECT count() AS total, sum(value) AS total_value FROM (${union}) WHERE ${where} SETTINGS enable_materialized_cte = 1`,
    z.object({ total: num, total_value: num }),
  );
  return r ?? { total: 0, total_value: 0 };
}

/** The latest event of each deal (as of now), for the "last event" column. */
/** Each deal's latest event; an export's page names up to 5,000 deals: to a server, in parts its URL takes (url-budget). */
export async function lastEvents(store: Store, ids: string[], now: Date): Promise<Map<string, { type: string; at: string }>> {
  const out = new Map<string, { type: string; at: string }>();
  await inIdParts(store.kind, ids, async (part) => {
    const rows = await store.query(
      sql`SELECT correlation_id, argMax(toString(type), occurred_at) AS type, max(occurred_at) AS at FROM events
        WHERE correlation_id IN ${part} AND occurred_at <= ${now} GROUP BY correlation_id`,
      z.object({ correlation_id: z.string(), type: z.string(), at: chTimestamp }),
    );
    for (const r of rows) out.set(r.correlation_id, { type: r.type, at: r.at });
  });
  return out;
}

/**
 * Who holds the stuck work: per assignee ('' = nobody) the items of the selected queues (all:
 * every queue) assigned to them, the money at stake and how late the most overdue is — a
 * manager's view for rebalancing. One read of the queues' union joined to each item's latest assignee.
 */
export async function getStuckWorkload(store: Store, params: StuckWorkloadParams): Promise<StuckWorkloadResponse> {
  const now = queryNow(params.now);
  const union = await stuckUnion(store, params, now);
  const rows = await store.query(
    sql`SELECT e.a AS assignee, count() AS items, round(sum(u.value), 2) AS value, max(u.late_hours) AS max_late_hours
      FROM (${union}) AS u
      LEFT JOIN (${LATEST_EXCEPTION}) AS e ON u.id = e.exception_id
      GROUP BY assignee ORDER BY value DESC, assignee
      SETTINGS enable_materialized_cte = 1, join_use_nulls = 0`,
    stuckWorkloadRowSchema.extend({ items: num, value: num, max_late_hours: num }),
  );
  return { rows, reporting_currency: reportingCurrency() };
}
