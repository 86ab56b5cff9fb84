// Reading clocks: the same columns as intervalsSql (lib/sla/intervals-sql.ts), from the
// snapshot (sql/046) when the clock's build is complete, else from the events directly.
// The reader applies `now`: intervals started after it are left out, an end after it counts
// as still open, open intervals' elapsed time runs to it; filters apply to the dimensions the
// rows carry and the time window to when the record started.

import type { Store } from '../clickhouse/client';
import { sql, join, param, trustedSql, type Sql } from '../clickhouse/sql';
import { dealDimensionsSql, intervalsSql, type IntervalOptions, type IntervalScope } from '../sla/intervals-sql';
import type { IntervalSpec } from '../sla/interval-spec';
import { businessSecondsNowSql, elapsedHours } from '../sla/business-time';
import { dealScope, dimensionWhere, timeWindow, type Filters } from '../queries/filters';
import { clockId, defId, tallyOf } from './registry';
import { builtClocks } from './build';
import { buildsAndTallies, closedCountsSql } from './tallies';
import { findingSql, type FindingKind } from './findings';
import { toReporting } from '../money/rates';
import type { StuckRuleSet } from '../stuck/rules';
import { getStuckRules } from '../queries/get-stuck-rules';

export type IntervalsFn = (spec: IntervalSpec, o: IntervalOptions) => Sql;

/** A clock to read: its spec (threshold included) and, for SLA policies, its scope. */
export interface ClockRef {
  spec: IntervalSpec;
  scope?: IntervalScope;
}

/**
 * Several clocks' intervals: intervalsSql's columns plus `k`, the clock's index in `clocks`.
 * Open-only, late-only, filters and `now` as for one clock; `records`: only these entity
 * keys' intervals (a person's held items: the snapshot is read for them alone, not for every
 * open interval of the clocks).
 */
export type ClocksFn = (clocks: ClockRef[], o: ClocksOptions) => Sql;
export type ClocksOptions = Omit<IntervalOptions, 'scope'> & { records?: readonly string[] };

const COLUMNS = trustedSql(`correlation_id, entity_key, started_at, anchor_at, ended_at, is_open, amount, currency, value,
  customer, region, practice, legal_entity, billing_model, elapsed_hours, late_hours`);

/**
 * Clocks of distinct ids read from the snapshot in one pass (clock IN ids), each row's
 * threshold and unit looked up by its clock's index: one scan and one plan instead of one
 * subquery per clock (planning a stuck summary's nine took ~100 ms at any volume). An open
 * interval ages to `now` in business time as B(now) − anchor_bs (B(now): one constant per
 * calendar, computed here), or in calendar time.
 */
function snapshotClocksSql(clocks: (ClockRef & { k: number })[], o: ClocksOptions): Sql {
  const now = param("DateTime64(3, 'UTC')", o.now);
  const ids = clocks.map((c) => clockId(c.spec, c.scope));
  const at = (values: number[], type: 'Array(Int64)' | 'Array(Float64)') => sql`arrayElement(${param(type, values)}, i)`;
  const threshold = at(clocks.map((c) => c.spec.threshold_hours), 'Array(Float64)');
  const thresholdMs = clocks.map((c) => Math.round(c.spec.threshold_hours * 3600) * 1000);
  // the smallest threshold bounds the key range of open intervals (end_at is 2200-01-01 for all)
  const canBeLate = sql`anchor_at <= ${now} - toIntervalSecond(${Math.min(...thresholdMs) / 1000})
    AND toUnixTimestamp64Milli(anchor_at) <= ${o.now.getTime()} - ${at(thresholdMs, 'Array(Int64)')}`;
  const open = o.openOnly
    ? sql`end_at > ${now} AND ${canBeLate}`
    : o.lateOnly
      ? sql`((end_at <= ${now} AND closed_hours > ${threshold}) OR (end_at > ${now} AND ${canBeLate}))`
      : o.only === 'closed'
        ? sql`end_at <= ${now}`
        : o.only === 'decided'
          ? sql`(end_at <= ${now} OR (end_at > ${now} AND ${canBeLate}))`
          : o.only === 'open'
            ? sql`end_at > ${now}`
            : sql`1`;
  const business = sql`((${businessSecondsNowSql(sql`legal_entity`, o.now)} - anchor_bs) / 3600)`;
  const calendar = elapsedHours(sql`anchor_at`, sql`${now}`, 'calendar', sql``);
  const age = clocks.every((c) => c.spec.unit === 'calendar')
    ? calendar
    : clocks.every((c) => c.spec.unit === 'business')
      ? business
      : sql`if(${at(clocks.map((c) => Number(c.spec.unit === 'business')), 'Array(Int64)')} = 1, ${business}, ${calendar})`;
  return sql`(SELECT arrayElement(${param('Array(Int64)', clocks.map((c) => c.k))}, i) AS k, ${COLUMNS} FROM (
    SELECT transform(clock, ${ids}, ${param('Array(Int64)', ids.map((_, i) => i + 1))}, 0) AS i, correlation_id, entity_key, started_at, anchor_at,
      if(end_at <= ${now}, toNullable(end_at), NULL) AS ended_at, toUInt8(end_at > ${now}) AS is_open,
      amount, currency, value, customer, region, practice, legal_entity, billing_model,
      if(is_open = 1, ${age}, closed_hours) AS elapsed_hours,
      elapsed_hours - ${threshold} AS late_hours
    FROM clock_intervals
    WHERE clock IN ${ids} AND started_at <= ${now} AND ${open} ${o.records ? sql`AND entity_key IN ${o.records}` : sql``}
      AND ${timeWindow(o.filters, sql`started_at`)} AND ${dimensionWhere(o.filters)}))`;
}

// A refresh inserts a deal's new rows before it deletes the old ones (lib/clocks/build.ts), so
// a reader never sees a deal without its intervals, but until the delete lands (milliseconds
// idle, seconds under load) it may see both copies. An item listed twice once left an orphan
// row on the stuck page (React keys rows by item id), so every list drops a record's second
// copy on its page (distinctPageSql, lib/queries/page.ts: stuck items, unstaffed projects, breaches, leakage
// records, flow failures); findings, few, are read from the deal's newest copy only (QUALIFY
// on its version; the same window over the open intervals cost 50–110 ms per queue read at
// 9.4M events). Counts and sums (summaries, KPIs, compliance, DSO) may count a refreshing deal
// twice for that moment.

export function snapshotIntervalsSql(spec: IntervalSpec, o: IntervalOptions): Sql {
  return snapshotClocksSql([{ spec, scope: o.scope, k: 0 }], o);
}

/** Which findings to read; `aggregate`: only summed, so both copies of a refreshing deal may count (no window). */
export interface FindingsOptions {
  filters: Filters;
  now: Date;
  aggregate?: boolean;
  /**
   * Only records not settled before this time (at most `now`): the receivables of invoices
   * whose rows netted to zero earlier add nothing to sums from then on, so the snapshot skips
   * them by its key (end_at); the events path reads them all.
   */
  openFrom?: Date;
}

/**
 * correlation_id, entity_key, at, anchor, amount, currency, detail, value (amount in the
 * reporting currency) and the deal's dimensions (customer, region, practice, legal_entity,
 * billing_model) of the findings of one kind.
 */
export type FindingsFn = (kind: FindingKind, o: FindingsOptions) => Sql;

function snapshotFindingsSql(kind: FindingKind, o: FindingsOptions): Sql {
  const now = param("DateTime64(3, 'UTC')", o.now);
  return sql`(SELECT correlation_id, entity_key, started_at AS at, anchor_at AS anchor, amount, currency, detail, value,
      customer, region, practice, legal_entity, billing_model FROM clock_intervals
    WHERE clock = ${defId({ finding: kind })} AND started_at <= ${now} AND anchor_at <= ${now}
      ${o.openFrom ? sql`AND end_at >= ${param("DateTime64(3, 'UTC')", o.openFrom < o.now ? o.openFrom : o.now)}` : sql``}
      AND ${timeWindow(o.filters, sql`started_at`)} AND ${dimensionWhere(o.filters)}
    ${o.aggregate ? sql`` : sql`QUALIFY version = max(version) OVER (PARTITION BY correlation_id)`})`;
}

function liveFindingsSql(kind: FindingKind, o: FindingsOptions): Sql {
  const now = sql`${param("DateTime64(3, 'UTC')", o.now)}`;
  const where = sql`correlation_id != '' AND occurred_at <= ${now} AND ${timeWindow(o.filters, sql`occurred_at`)} AND ${dealScope(o.filters)}`;
  return sql`(SELECT f.*, ${toReporting(sql`f.amount`, sql`f.currency`)} AS value, ifNull(d.customer, '') AS customer, ifNull(d.region, '') AS region,
      ifNull(d.practice, '') AS practice, ifNull(d.legal_entity, '') AS legal_entity, ifNull(d.billing_model, '') AS billing_model
    FROM (${findingSql(kind, { facts: sql`event_facts`, refs: sql`event_refs`, where, now })}) AS f
    LEFT JOIN ${dealDimensionsSql()} AS d ON d.correlation_id = f.correlation_id)`;
}

/**
 * The closed intervals of these clocks (each with its threshold) as per-day counts
 * (tallies.ts closedCountsSql: k, anchor_day, start_day, region, practice, legal_entity,
 * billing_model, n, n_late), or null where only the intervals can answer.
 */
export type ClosedCountsFn = (clocks: ClockRef[], o: { filters: Filters; now: Date }) => Sql | null;

/**
 * Where each clock and finding is read from: the snapshot when its build is complete, else
 * the events (exact, slower). `live`: always the events (tests compare the two). `clocks`
 * reads the built ones of a list in as few passes as their ids allow (two policies may share
 * a clock and differ in threshold only), the others one by one from the events.
 * `closedCounts` (with `tallies`: read with the builds) answers from clock_days where it can.
 * `rules`: the stuck rules as configured (their SLA policies' times), read alongside.
 */
export async function clockReader(
  store: Store,
  o: { live?: boolean; tallies?: boolean } = {},
): Promise<{ intervals: IntervalsFn; findings: FindingsFn; clocks: ClocksFn; closedCounts: ClosedCountsFn; rules: StuckRuleSet }> {
  const [{ built, lastAt }, rules] = await Promise.all([
    o.live
      ? { built: new Set<string>(), lastAt: null }
      : o.tallies
        ? buildsAndTallies(store)
        : builtClocks(store).then((built) => ({ built, lastAt: null })),
    getStuckRules(store),
  ]);
  const clocks: ClocksFn = (list, o) => {
    const passes: (ClockRef & { k: number })[][] = [];
    const parts: Sql[] = [];
    list.forEach((c, k) => {
      const id = clockId(c.spec, c.scope);
      if (!built.has(id)) {
        parts.push(sql`SELECT ${k} AS k, ${COLUMNS} FROM ${intervalsSql(c.spec, { ...o, scope: c.scope })} ${o.records ? sql`WHERE entity_key IN ${o.records}` : sql``}`);
        return;
      }
      const pass = passes.find((p) => p.every((x) => clockId(x.spec, x.scope) !== id));
      if (pass) pass.push({ ...c, k });
      else passes.push([{ ...c, k }]);
    });
    for (const p of passes) parts.push(sql`SELECT * FROM ${snapshotClocksSql(p, o)}`);
    return sql`(${join(parts, ' UNION ALL ')})`;
  };
  return {
    intervals: (spec, o) => (built.has(clockId(spec, o.scope)) ? snapshotIntervalsSql(spec, o) : intervalsSql(spec, o)),
    findings: (kind, o) => (built.has(defId({ finding: kind })) ? snapshotFindingsSql(kind, o) : liveFindingsSql(kind, o)),
    clocks,
    closedCounts: (list, o) => (lastAt ? closedCountsSql(list.map((c) => tallyOf(c.spec, c.scope)), o, { built, lastAt }) : null),
    rules,
  };
}

/** Each clock's intervals from the snapshot when it is built, else from the events. */
export async function clockIntervals(store: Store): Promise<IntervalsFn> {
  return (await clockReader(store)).intervals;
}
