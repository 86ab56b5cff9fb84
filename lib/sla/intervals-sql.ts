// One SQL builder for every "clock" the product measures (stuck rules, SLA policies,
// leakage): per start record, when the clock started, when (if) it stopped, the elapsed
// business or calendar hours against `now`, and the money at stake — all in ClickHouse.
// Matching starts to ends by deal, by reference, by cumulative payment, or by the next
// successful sync is the only thing that differs between rules.

import { sql, join, param, type Sql } from '../clickhouse/sql';
import { dealScope, timeWindow, type Filters } from '../queries/filters';
import { toReporting } from '../money/rates';
import { holidaysFor, elapsedHours, type HolidayArrays } from './business-time';
import type { IntervalSpec } from './interval-spec';

export interface IntervalScope {
  region?: string;
  billing_model?: string;
  legal_entity?: string;
  customer_tier?: string;
}

export interface IntervalOptions {
  filters: Filters;
  now: Date;
  /** Policy scope (SLA policies): conditions on the deal's dimensions. */
  scope?: IntervalScope;
  /**
   * Only intervals that can already be past their threshold (stuck queues): starts too recent
   * to be late even in calendar time are dropped before any grouping or joining.
   */
  openOnly?: boolean;
  /**
   * Only intervals that can be late (breach lists): read from the snapshot, closed ones must
   * have run past the threshold; open ones as openOnly. The events path ignores it (callers
   * filter on late_hours > 0 either way).
   */
  lateOnly?: boolean;
  /**
   * Hints for readers of closed intervals (KPIs), which filter on is_open / late_hours either
   * way: from the snapshot, `closed` reads closed intervals only (a range of its key, no
   * open interval aged to now); `decided`, closed ones and open ones that can be past their
   * threshold (as openOnly); `open`, every open interval, late or not yet (a deal's open
   * items). The events path ignores it.
   */
  only?: 'closed' | 'decided' | 'open';
  /**
   * Where events are read from: by default event_facts and event_refs (every deal). The clock
   * snapshot's refresh (lib/clocks) passes CTEs holding only the deals it recomputes, and
   * their IDs (deal_summary is read for those only).
   */
  source?: IntervalSource;
}

export interface IntervalSource {
  facts: Sql;
  refs: Sql;
  deals: readonly string[];
  /** The holiday index's arrays as the statement binds them once (holidayArraysWith); else parameters at each use. */
  holidayArrays?: HolidayArrays;
}

const tablesOf = (o: IntervalOptions) => o.source ?? { facts: sql`event_facts`, refs: sql`event_refs`, deals: null };

// Starts and ends are read from event_facts and event_refs (sql/042, 043): narrow per-event
// copies of events ordered by type, so each side of a clock is one contiguous range of a
// few columns instead of a scan of events (ordered by deal). Per-event rows keep every
// filter (`occurred_at <= now`, time windows, deal scope) exactly as it was on events.
// Ends and deals are aggregated without an `IN (starts)` filter: measured 2–3× faster than
// semi-joining them to the start records first (the hash joins below do the matching).
// Every query embedding intervalsSql ends with `SETTINGS enable_materialized_cte = 1`: the
// start records are a materialized CTE, computed once rather than at each of their three
// references (measured ~40% faster on the stuck summary).

const dt = (d: Date) => param("DateTime64(3, 'UTC')", d);

/** Start records: correlation_id, entity_key, started_at, anchor_at, amount, currency (per record). */
function starts(spec: IntervalSpec, o: IntervalOptions): Sql {
  const now = dt(o.now);
  const { facts } = tablesOf(o);
  const anchor =
    spec.anchor === 'period_end'
      ? sql`ifNull(period_end, occurred_at)`
      : spec.anchor === 'due_at'
        ? sql`ifNull(due_at, occurred_at + INTERVAL 30 DAY)`
        : sql`occurred_at`;
  const open = o.openOnly ? openOnlyConditions(spec, anchor, now) : sql`1`;
  const where = sql`type IN ${spec.start_events} AND correlation_id != '' AND occurred_at <= ${now}
    AND ${timeWindow(o.filters, sql`occurred_at`)} AND ${dealScope(o.filters)} AND ${open}`;
  if (spec.match === 'deal') {
    return sql`SELECT correlation_id, argMin(entity_key, occurred_at) AS entity_key, min(occurred_at) AS started_at,
        min(${anchor}) AS anchor_at, toFloat64(0) AS amount, '' AS currency
      FROM (SELECT * FROM ${facts} WHERE ${where}) GROUP BY correlation_id`;
  }
  if (spec.match === 'sync-recovery') {
    // An incident: the failures of one record towards one target up to the next success.
    return sql`SELECT any(f.correlation_id) AS correlation_id, f.k AS entity_key, min(f.occ) AS started_at, min(f.at) AS anchor_at,
        toFloat64(argMax(f.amount, f.at)) AS amount, argMax(f.currency, f.at) AS currency, s.ended_at AS ended_at
      FROM (SELECT correlation_id, concat(ref1, '>', flow_target) AS k, occurred_at AS occ, ${anchor} AS at,
              ifNull(amount, 0) AS amount, toString(currency) AS currency
            FROM ${facts} WHERE ${where}) AS f
      ASOF LEFT JOIN (SELECT concat(ref1, '>', flow_target) AS k, occurred_at AS at,
              toNullable(occurred_at) AS ended_at
            FROM ${facts} WHERE type IN ${spec.end_events} AND occurred_at <= ${now}) AS s
        ON f.k = s.k AND s.at >= f.at
      GROUP BY f.k, s.ended_at`;
  }
  return sql`SELECT any(correlation_id) AS correlation_id, entity_key, min(occurred_at) AS started_at, min(${anchor}) AS anchor_at,
      toFloat64(argMin(ifNull(amount, 0), occurred_at)) AS amount, argMin(toString(currency), occurred_at) AS currency
    FROM (SELECT * FROM ${facts} WHERE ${where}) GROUP BY entity_key`;
}

function openOnlyConditions(spec: IntervalSpec, anchor: Sql, now: unknown): Sql {
  // Business time never runs faster than calendar time: a start younger than the threshold
  // in calendar hours cannot be late yet. (An anti-join on the end events was tried and
  // measured slower than the LEFT JOIN below.)
  return sql`${anchor} <= ${now} - toIntervalSecond(${Math.round(spec.threshold_hours * 3600)})`;
}

/** When each start record's clock stopped (Nullable), keyed by `k`, plus paid amounts for invoices. */
function ends(spec: IntervalSpec, o: IntervalOptions): Sql {
  const now = dt(o.now);
  const { facts, refs } = tablesOf(o);
  if (spec.match === 'deal') {
    return sql`SELECT correlation_id AS k, toNullable(min(occurred_at)) AS ended_at, toFloat64(0) AS paid
      FROM ${facts} WHERE type IN ${spec.end_events} AND correlation_id != '' AND occurred_at <= ${now}
        GROUP BY correlation_id`;
  }
  if (spec.match === 'invoice-paid') {
    return sql`SELECT ref AS k, arraySort(x -> x.1, groupArray((occurred_at, toFloat64(ifNull(amount, 0))))) AS pays,
        arraySum(p -> p.2, pays) AS paid
      FROM ${refs} WHERE type IN ${spec.end_events} AND occurred_at <= ${now}
      GROUP BY ref`;
  }
  return sql`SELECT ref AS k, toNullable(min(occurred_at)) AS ended_at, toFloat64(0) AS paid
    FROM ${refs} WHERE type IN ${spec.end_events} AND occurred_at <= ${now}
    GROUP BY ref`;
}

/**
 * One row per deal (of `only`, or every deal) from deal_summary: correlation_id, customer,
 * region, practice, legal_entity, billing_model, deal_currency, deal_value.
 */
export function dealDimensionsSql(only?: readonly string[]): Sql {
  return sql`(SELECT correlation_id, max(customer) AS customer, max(region) AS region, max(practice) AS practice,
      max(legal_entity) AS legal_entity, max(billing_model) AS billing_model, max(currency) AS deal_currency,
      toFloat64(ifNull(ifNull(max(contract_value), max(quote_value)), 0)) AS deal_value
    FROM deal_summary ${only ? sql`WHERE correlation_id IN ${only}` : sql``} GROUP BY correlation_id)`;
}

function scopeConditions(scope: IntervalScope | undefined, facts: Sql): Sql[] {
  const c: Sql[] = [];
  if (!scope) return c;
  if (scope.region) c.push(sql`d.region = ${scope.region}`);
  if (scope.billing_model) c.push(sql`d.billing_model = ${scope.billing_model}`);
  if (scope.legal_entity) c.push(sql`d.legal_entity = ${scope.legal_entity}`);
  if (scope.customer_tier) {
    c.push(sql`s.correlation_id IN (SELECT correlation_id FROM ${facts}
      WHERE type = 'opportunity.won' AND customer_tier = ${scope.customer_tier})`);
  }
  return c;
}

/**
 * Every interval of a spec as a subquery with: correlation_id, entity_key, anchor_at,
 * ended_at (NULL while open), is_open, amount (money at stake, in `currency`), currency,
 * value (amount in the reporting currency), the deal's dimensions, elapsed_hours (to the end
 * or to now) and late_hours (elapsed − threshold; > 0 means breached).
 */
export function intervalsSql(spec: IntervalSpec, o: IntervalOptions): Sql {
  const now = dt(o.now);
  const isDeal = spec.match === 'deal';
  const isInvoice = spec.match === 'invoice-paid';
  const isSync = spec.match === 'sync-recovery';
  const noEnds = isSync;
  const endedAt = isSync
    ? sql`s.ended_at`
    : isInvoice
      ? sql`if(e.paid >= s.amount AND length(e.pays) > 0,
          toNullable(e.pays[arrayFirstIndex(c -> c >= s.amount, arrayCumSum(p -> p.2, e.pays))].1), NULL)`
      : sql`e.ended_at`;
  const amount = isDeal
    ? sql`d.deal_value`
    : isInvoice
      ? sql`if(ended_at IS NULL, greatest(s.amount - ifNull(e.paid, 0), 0), s.amount)`
      : sql`s.amount`;
  const currency = isDeal ? sql`d.deal_currency` : sql`if(s.currency = '', d.deal_currency, s.currency)`;
  const joinEnds = noEnds ? sql`` : sql`LEFT JOIN ends AS e ON e.k = ${isDeal ? sql`s.correlation_id` : sql`s.entity_key`}`;
  const src = tablesOf(o);
  const scope = scopeConditions(o.scope, src.facts);
  return sql`(WITH starts AS MATERIALIZED (${starts(spec, o)}),
      ${noEnds ? sql`` : sql`ends AS (${ends(spec, o)}),`}
      deals AS ${dealDimensionsSql(src.deals ?? undefined)}
    SELECT s.correlation_id AS correlation_id, s.entity_key AS entity_key, s.started_at AS started_at, s.anchor_at AS anchor_at,
      ${endedAt} AS ended_at, toUInt8(ended_at IS NULL) AS is_open,
      ${amount} AS amount, ${currency} AS currency, ${toReporting(sql`amount`, sql`currency`)} AS value,
      d.customer AS customer, d.region AS region, d.practice AS practice, d.legal_entity AS legal_entity,
      d.billing_model AS billing_model,
      ${holidaysFor(sql`d.legal_entity`)} AS holidays,
      ifNull(ended_at, ${now}) AS until_at,
      ${elapsedHours(sql`s.anchor_at`, sql`until_at`, spec.unit, sql`holidays`, o.source?.holidayArrays)} AS elapsed_hours,
      elapsed_hours - ${spec.threshold_hours} AS late_hours
    FROM starts AS s ${joinEnds}
    INNER JOIN deals AS d ON d.correlation_id = s.correlation_id
    ${scope.length ? sql`WHERE ${join(scope, ' AND ')}` : sql``})`;
}
