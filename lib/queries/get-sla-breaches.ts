// SLA breaches computed from the events at query time for every enabled policy: open
// breaches by absence (the end event never came and the threshold has passed) and late
// arrivals (it came after the threshold). Per policy compliance, weekly series, a
// breakdown by one dimension, and the breach records themselves.

import { reportingCurrency } from '../money/rates';
import { errors } from '../http/errors';
import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql, ident, param } from '../clickhouse/sql';
import { DIMENSIONS } from '../events/catalogue';
import { clockReader } from '../clocks/read';
import { type SlaBreachesQuery, type SlaBreachesResponse, type SlaPolicy } from '../contracts/sla';
import type { Filters } from './filters';
import { getSlaPolicies } from './get-sla-policies';
import { getExceptionStates, itemState, workScope } from './exception-states';
import { isStuckRuleName } from '../stuck/rules';
import { breachResyncTarget } from '../actions/targets';
import { UNASSIGNED } from '../contracts/actions';
import { num, chTimestamp, nullableTimestamp, queryNow } from './row-types';
import { keysetCursorValues, keysetPage, keysetPageSql, pageKeyColumn, type SortKey } from './page';

/** `tallies: false`: closed intervals read one by one, never counted from clock_days (tests compare the two). */
export type SlaBreachesParams = Filters & Partial<Omit<SlaBreachesQuery, keyof Filters | 'format'>> & { policies?: SlaPolicy[]; tallies?: boolean };

const aggSchema = z.object({
  k: num.nullable(),
  week: z.string().nullable(),
  dim: z.string().nullable(),
  evaluated: num,
  breached: num,
  open_breaches: num,
  late_arrivals: num,
});

const breachRowSchema = z.object({
  policy_id: z.string(),
  severity: z.string(),
  kind: z.enum(['open', 'late']),
  entity_key: z.string(),
  correlation_id: z.string(),
  customer: z.string(),
  started_at: chTimestamp,
  ended_at: nullableTimestamp,
  late_hours: num,
  value: num,
});

/** Newest breach first; the policy, record and deal make it a total order (a breach's identity). */
const BREACH_SORT: readonly SortKey[] = [
  { col: sql`started_at`, dir: 'DESC', type: 'DateTime64' },
  { col: sql`policy_id`, dir: 'ASC', type: 'String' },
  { col: sql`entity_key`, dir: 'ASC', type: 'String' },
  { col: sql`correlation_id`, dir: 'ASC', type: 'String' },
];

type BreachRead = Awaited<ReturnType<typeof breachRead>>;

/** What the figures and the page both read: the policies asked for and their clocks as of now. */
async function breachRead(store: Store, params: SlaBreachesParams) {
  const now = queryNow(params.now);
  const all = params.policies ?? (await getSlaPolicies(store, { enabledOnly: true }));
  const policies = all.filter((p) => (!params.policy || p.id === params.policy) && (!params.own || !isStuckRuleName(p.id)));
  // the workflow's filters (open breaches, the exceptions, only): for one person (the nav's count
  // of one's own policies' breaches, every 30 s) only the records they hold are read (workScope).
  // An assignee holding nothing of these policies (a person: now, in the state asked; '*':
  // ever): no breach matches (the list and its count both skip their reads).
  const [{ clocks, closedCounts }, scope] = await Promise.all([
    clockReader(store, { tallies: params.tallies ?? true }),
    workScope(store, params, policies.map((p) => `${p.id}:`), now),
  ]);
  const list = policies.map((p) => ({ spec: p, scope: p.scope }));
  const read = (o: { lateOnly?: boolean; openOnly?: boolean }) => clocks(list, { filters: params, now, ...o });
  /** The records the workflow's filters can match (the page and its count; never the figures, which are every record's). */
  const readWork = (o: { lateOnly?: boolean; openOnly?: boolean }) => clocks(list, { filters: params, now, records: scope.records, ...o });
  const ks = param('Array(Int64)', policies.map((_, k) => k));
  const policyId = sql`transform(k, ${ks}, ${policies.map((p) => p.id)}, '')`;
  const kindCond = params.kind === 'open' ? sql`is_open = 1` : params.kind === 'late' ? sql`is_open = 0` : sql`1`;
  const work = scope.filtered ? sql`is_open = 1 AND ${scope.on(sql`concat(${policyId}, ':', entity_key)`)}` : null;
  return { now, policies, list, read, readWork, closedCounts, ks, policyId, kindCond: work ? sql`${kindCond} AND ${work}` : kindCond, work, none: scope.none };
}

/**
 * One page of breach records (newest first, keyset-paginated), without the figures: an
 * export's pages after its first. The latest anchor a page row can have is found first from
 * that one column, so the records' strings are read for the rows from it on, not for every
 * breach (630k at 9.3M events); one customer's, few, are read in one pass.
 */
export async function getSlaBreachRows(store: Store, params: SlaBreachesParams, r?: BreachRead): Promise<Pick<SlaBreachesResponse, 'breaches' | 'next_cursor'>> {
  const { now, policies, readWork, kindCond, ks, policyId, none } = r ?? (await breachRead(store, params));
  if (none) return { breaches: [], next_cursor: null };
  const limit = params.limit ?? 100;
  const after = params.cursor ? keysetCursorValues(BREACH_SORT, params.cursor)[0] : null;
  const late = sql`${readWork({ lateOnly: true })} WHERE late_hours > 0 AND ${kindCond}`;
  // One customer's breaches are few (~0.2% of them at 10M events), and those held by someone:
  // read in one pass. The anchor found first would only repeat the scan (10M events, one
  // customer: p50 119 against 142 ms for this query, 2026-12-05).
  const newest = params.customer || (params.assignee && params.assignee !== UNASSIGNED)
    ? sql``
    : sql`AND anchor_at >= (
          SELECT min(anchor_at) FROM (SELECT anchor_at FROM ${late} ${after ? sql`AND anchor_at < ${after}` : sql``}
            ORDER BY anchor_at DESC LIMIT ${2 * (limit + 1)}))`;
  const rows = await store.query(
    sql`${keysetPageSql(
      sql`SELECT k, ${policyId} AS policy_id, transform(k, ${ks}, ${policies.map((p) => p.severity)}, '') AS severity,
          if(is_open = 1, 'open', 'late') AS kind, entity_key, correlation_id, customer,
          anchor_at AS started_at, ended_at, late_hours, value
        FROM ${late} ${after ? sql`AND anchor_at <= ${after}` : sql``} ${newest}`,
      { sort: BREACH_SORT, key: sql`k, correlation_id, entity_key, started_at`, limit, cursor: params.cursor },
    )} SETTINGS enable_materialized_cte = 1`,
    breachRowSchema.extend(pageKeyColumn),
  );
  const page = keysetPage(rows, limit);
  return { breaches: await withWork(store, page.items, policies, now), next_cursor: page.next_cursor };
}

/**
 * Each open breach's exception (see slaBreachSchema's exception_id) and workflow state, whose
 * work each breach is (its policy's owner) and where its record is re-synced to.
 */
async function withWork<B extends { policy_id: string; kind: 'open' | 'late'; entity_key: string }>(store: Store, breaches: B[], policies: SlaPolicy[], now: Date) {
  const byId = new Map(policies.map((p) => [p.id, { owner: p.owner, resync_target: breachResyncTarget(p) ?? '' }]));
  const ids = breaches.map((b) => (b.kind === 'open' ? `${b.policy_id}:${b.entity_key}` : ''));
  const states = await getExceptionStates(store, [...new Set(ids.filter(Boolean))], now);
  return breaches.map((b, i) => ({
    ...b,
    exception_id: ids[i],
    ...byId.get(b.policy_id)!, // every breach is of one of `policies`
    ...itemState(states.get(ids[i])),
  }));
}

/** How many open breaches the workflow's filters (and the kind) match. */
async function countWorked(store: Store, r: BreachRead): Promise<number> {
  if (r.none) return 0;
  const [row] = await store.query(
    sql`SELECT count() AS n FROM ${r.readWork({ openOnly: true })} WHERE late_hours > 0 AND ${r.kindCond} SETTINGS enable_materialized_cte = 1`,
    z.object({ n: num }),
  );
  return row?.n ?? 0;
}

export async function getSlaBreaches(store: Store, params: SlaBreachesParams): Promise<SlaBreachesResponse> {
  const by = params.by ?? 'region';
  if (params.figures === '0' && !params.assignee && !params.state) throw errors.badRequest('figures=0 needs assignee= or state= (without them the count is the figures’)');
  const r = await breachRead(store, params);
  const { now, policies, list, read, closedCounts } = r;
  const empty = { policies: [], compliance: null, series: [], by_dimension: [], by, breaches: [], total: 0, next_cursor: null, reporting_currency: reportingCurrency() };
  if (params.figures === '0') {
    // the workflow's matches alone (the nav's count): no figures read
    const [page, worked] = await Promise.all([getSlaBreachRows(store, params, r), countWorked(store, r)]);
    return { ...empty, breaches: page.breaches, total: worked, next_cursor: page.next_cursor };
  }
  if (policies.length === 0) return empty;
  const dim = ident(by, DIMENSIONS);
  // intervals whose outcome is known (closed, or open past the threshold) counted per policy
  // index, week and dimension value, then the grouping sets over those few thousand rows. The
  // closed ones come counted per day from clock_days where it can answer (not per customer:
  // ~150k rows instead of ~3.8M intervals at 9.5M events), the open ones are aged here.
  const closed = by === 'customer' ? null : closedCounts(list, { filters: params, now });
  const perWeek = closed
    ? sql`SELECT k, toStartOfWeek(anchor_day, 1) AS week, ${dim} AS dim, sum(n) AS c, sum(n_late) AS c_breached, toInt64(0) AS c_open
        FROM ${closed} GROUP BY k, week, dim HAVING c != 0
      UNION ALL
      SELECT k, toStartOfWeek(anchor_at, 1) AS week, ${dim} AS dim, toInt64(count()) AS c, c AS c_breached, c AS c_open
        FROM ${read({ openOnly: true })} WHERE late_hours > 0 GROUP BY k, week, dim`
    : sql`SELECT k, toStartOfWeek(anchor_at, 1) AS week, ${dim} AS dim, count() AS c,
          countIf(late_hours > 0) AS c_breached, countIf(late_hours > 0 AND is_open = 1) AS c_open
        FROM ${read({})} WHERE is_open = 0 OR late_hours > 0 GROUP BY k, week, dim`;
  const [agg, page, worked] = await Promise.all([
    store.query(
      sql`SELECT k, toString(week) AS week, toString(dim) AS dim, sum(c) AS evaluated,
          sum(c_breached) AS breached, sum(c_open) AS open_breaches, breached - open_breaches AS late_arrivals
        FROM (${perWeek})
        GROUP BY GROUPING SETS ((k), (k, week), (dim))
        SETTINGS group_by_use_nulls = 1, enable_materialized_cte = 1`,
      aggSchema,
    ),
    getSlaBreachRows(store, params, r),
    r.work ? countWorked(store, r) : null,
  ]);
  const stats = policies.map((p) => {
    const a = agg.find((x) => x.k !== null && policies[x.k] === p && x.week === null && x.dim === null);
    const evaluatedN = a?.evaluated ?? 0;
    const breached = a?.breached ?? 0;
    return {
      policy_id: p.id,
      name: p.name,
      severity: p.severity,
      evaluated: evaluatedN,
      met: evaluatedN - breached,
      open_breaches: a?.open_breaches ?? 0,
      late_arrivals: a?.late_arrivals ?? 0,
      compliance: evaluatedN ? (evaluatedN - breached) / evaluatedN : null,
    };
  });
  const totalEvaluated = stats.reduce((s, x) => s + x.evaluated, 0);
  const totalMet = stats.reduce((s, x) => s + x.met, 0);
  // the breaches of the page's kind, counted by the aggregate (no window over every breach);
  // those the workflow's filters match, counted apart (a person's: few)
  const total = worked ?? stats.reduce((s, x) => s + (params.kind === 'open' ? x.open_breaches : params.kind === 'late' ? x.late_arrivals : x.open_breaches + x.late_arrivals), 0);
  return {
    policies: stats,
    compliance: totalEvaluated ? totalMet / totalEvaluated : null,
    // weeks up to the current one: a clock anchored later (an invoice paid before a due date
    // still to come) is counted as met, but a week that has not begun has no breaches to chart
    series: agg
      .filter((x) => x.k !== null && x.week !== null && x.week <= now.toISOString().slice(0, 10))
      .map((x) => ({ week: x.week!, policy_id: policies[x.k!].id, breaches: x.breached }))
      .sort((a, b) => a.week.localeCompare(b.week) || a.policy_id.localeCompare(b.policy_id)),
    by_dimension: agg
      .filter((x) => x.k === null && x.dim !== null)
      .map((x) => ({ value: x.dim!, breaches: x.breached, evaluated: x.evaluated }))
      .sort((a, b) => b.breaches - a.breaches || a.value.localeCompare(b.value)),
    by,
    breaches: page.breaches,
    total,
    next_cursor: page.next_cursor,
    reporting_currency: reportingCurrency(),
  };
}
