// One definition of "a run of an integration flow", shared by the flow queries.
// A run is either a middleware sync outcome event (sync.succeeded / sync.failed, with
// attributes flow_source, flow_target, attempt) or, for runs reported only as traces,
// the spans of one trace that carry flow_source/flow_target. A trace already reported
// by a sync event is not counted twice; its spans still give the run's latency.
// Latency: the span duration where the run was traced, else sync.requested → outcome of
// the same sync run (entity_id) from the events.
// Two readings: from the events (flowRunsSql, runsWithRecoverySql, runLatencySql) and from
// the runs' snapshot (flowRunRowsSql writes it, sql/048; the stored* functions read it and
// add what it does not keep: orphans' runs and span-only runs).

import { sql, trustedSql, type Ident, type Sql } from '../clickhouse/sql';
import { dealScope, dimensionWhere, hasDimensionFilter, timeWindow, type Filters } from './filters';
import { dealDimensionsSql } from '../sla/intervals-sql';

/** Narrows the runs to one flow (the failures drill-down). */
export interface FlowSelector {
  flow_source: string;
  flow_target: string;
}

/** OTLP status codes as the span collector may store them (enum name, short name, number). */
export const SPAN_ERROR_CODES = ['STATUS_CODE_ERROR', 'ERROR', '2'];
/** A middleware that gave up moves the record to its dead-letter queue and says so. */
export const DEAD_LETTER_VALUES = ['true', '1', 'yes'];
export const SYNC_OUTCOMES = ['sync.succeeded', 'sync.failed'];
export const SYNC_TYPES = ['sync.requested', ...SYNC_OUTCOMES];

const flowOnly = (flow?: FlowSelector): Sql =>
  flow ? sql`AND flow_source = ${flow.flow_source} AND flow_target = ${flow.flow_target}` : sql``;

/** Runs of one record and target in time order; a success at the same instant as a failure counts as after it. */
const RUN_ORDER = sql`ORDER BY at ASC, failed DESC`;

/** Whether the run before this one (of its record and flow, within `partition`) failed; false for the first. */
const previousFailedSql = (partition: Sql): Sql =>
  sql`lagInFrame(failed, 1, false) OVER (PARTITION BY ${partition} ${RUN_ORDER} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;

/** For a failure, its record's next success on the same flow within `partition` (NULL while it has not recovered). */
const recoveredAtSql = (partition: Sql): Sql =>
  sql`if(failed, minIfOrNull(at, NOT failed) OVER (PARTITION BY ${partition} ${RUN_ORDER} ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), NULL)`;

/**
 * Spans grouped per (trace, flow): the outermost span (the longest) gives the run's status;
 * duration is first start to last end. The record is the span attribute `q2c.record` when
 * the middleware sets it, else the deal, else the trace itself.
 */
export function spanRunsSql(f: Filters, flow?: FlowSelector): Sql {
  const only = flowOnly(flow);
  // Inner aliases carry an s_ prefix: ClickHouse lets an alias shadow a column, and
  // `max(correlation_id) AS correlation_id` would make later uses aggregates of aggregates.
  return sql`
    SELECT trace_id, flow_source, flow_target, s_at AS at, s_duration_ms AS duration_ms, s_failed AS failed,
      s_status AS status, s_attempt AS attempt, s_correlation_id AS correlation_id, s_record AS record,
      s_dead_letter AS dead_letter
    FROM (
      SELECT
        trace_id,
        flow_source,
        flow_target,
        toDateTime64(min(start_time), 3, 'UTC') AS s_at,
        (toUnixTimestamp64Nano(max(end_time)) - toUnixTimestamp64Nano(min(start_time))) / 1e6 AS s_duration_ms,
        argMax(status_code, duration_ns) IN ${SPAN_ERROR_CODES} AS s_failed,
        toString(argMax(status_message, duration_ns)) AS s_status,
        max(toUInt32OrZero(attributes['attempt'])) AS s_attempt,
        max(correlation_id) AS s_correlation_id,
        coalesce(nullIf(max(attributes['q2c.record']), ''), nullIf(max(correlation_id), ''), trace_id) AS s_record,
        max(attributes['dead_letter'] IN ${DEAD_LETTER_VALUES}) AS s_dead_letter
      FROM spans
      WHERE flow_source != '' ${only} AND ${timeWindow(f, sql`start_time`)} AND ${dealScope(f)}
      GROUP BY trace_id, flow_source, flow_target)`;
}

/** Every run in the window: columns origin, flow_source, flow_target, at, failed, attempt,
 * record, correlation_id, trace_id, status, dead_letter, run_id. */
export function flowRunsSql(f: Filters, flow?: FlowSelector): Sql {
  // event_facts (sql/042): the events' narrow copy ordered by type, so the sync outcomes are
  // one contiguous range, with flow_source, flow_target, sync_attempt, sync_dead_letter
  // taken out of the attributes map.
  const only = flowOnly(flow);
  return sql`
    SELECT
      'event' AS origin,
      flow_source,
      flow_target,
      occurred_at AS at,
      type = 'sync.failed' AS failed,
      toUInt32(sync_attempt) AS attempt,
      if(empty(refs), entity_key, refs[1]) AS record,
      correlation_id,
      trace_id,
      toString(status) AS status,
      sync_dead_letter AS dead_letter,
      event_id AS run_id
    FROM event_facts
    WHERE type IN ${SYNC_OUTCOMES} ${only} AND ${timeWindow(f, sql`occurred_at`)} AND ${dealScope(f)}
    UNION ALL
    ${spanOnlyRunsSql(f, flow)}`;
}

/**
 * Runs known only from spans (a trace no sync outcome reports), as flowRunsSql's columns. The
 * reported traces are looked up among those of flow spans: events' bloom filter on trace_id
 * (sql/057) skips the rest.
 */
function spanOnlyRunsSql(f: Filters, flow?: FlowSelector): Sql {
  return sql`
    SELECT 'span' AS origin, toString(s.flow_source) AS flow_source, toString(s.flow_target) AS flow_target, at, failed, attempt, record,
      correlation_id, trace_id, status, dead_letter, trace_id AS run_id
    FROM (${spanRunsSql(f, flow)}) AS s
    WHERE trace_id NOT IN (SELECT trace_id FROM events WHERE type IN ${SYNC_OUTCOMES} AND trace_id != ''
      AND trace_id IN (SELECT trace_id FROM spans WHERE flow_source != ''))`;
}

/**
 * Runs with, for each failure, the time of the next success of the same record and target
 * (NULL while it has not recovered). A success at the same instant counts as after.
 */
export function runsWithRecoverySql(f: Filters, flow?: FlowSelector): Sql {
  return sql`
    SELECT *, ${recoveredAtSql(sql`flow_source, flow_target, record`)} AS recovered_at
    FROM (${flowRunsSql(f, flow)})`;
}

/**
 * One duration per run: spans where the run was traced; otherwise, from the events, the
 * time from a sync run's sync.requested to its outcome (same entity_id, same flow).
 * Columns flow_source, flow_target, duration_ms.
 */
export function runLatencySql(f: Filters, flow?: FlowSelector): Sql {
  const only = flowOnly(flow);
  return sql`
    SELECT toString(flow_source) AS flow_source, toString(flow_target) AS flow_target, toFloat64(duration_ms) AS duration_ms
    FROM (${spanRunsSql(f, flow)})
    UNION ALL
    SELECT e_source, e_target, toFloat64(e_duration_ms)
    FROM (
      -- One group per sync run (entity_id): a single string key keeps the aggregation cheap.
      SELECT toString(any(flow_source)) AS e_source, toString(any(flow_target)) AS e_target,
        -- The run's trace when one of its events carries it (any() could pick an untraced one).
        max(trace_id) AS e_trace_id,
        toUnixTimestamp64Milli(minIf(occurred_at, type IN ${SYNC_OUTCOMES}))
          - toUnixTimestamp64Milli(minIf(occurred_at, type = 'sync.requested')) AS e_duration_ms
      FROM event_facts
      WHERE type IN ${SYNC_TYPES} ${only} AND ${timeWindow(f, sql`occurred_at`)} AND ${dealScope(f)}
      GROUP BY entity_id
      HAVING countIf(type = 'sync.requested') > 0 AND countIf(type IN ${SYNC_OUTCOMES}) > 0)
    WHERE e_duration_ms >= 0
      AND ${untraced(sql`e_trace_id`)}`;
}

/** The run was not traced (else its latency is the spans'). */
const untraced = (traceId: Sql): Sql => sql`(${traceId} = '' OR ${traceId} NOT IN (SELECT trace_id FROM spans WHERE flow_source != ''))`;

/**
 * The snapshot's rows from `facts` (event_facts' columns, also found on events) where `where`
 * holds, with the dimensions of the deals in `deals` (all when omitted). Windows and groups
 * are per deal (correlation_id first), as a refresh of one deal computes them.
 */
export function flowRunRowsSql(facts: Sql, where: Sql, version: number, deals?: readonly string[]): Sql {
  const perDeal = sql`correlation_id, flow_source, flow_target, record`;
  return sql`
    SELECT kind, flow_source, flow_target, failed, at, ${version} AS version, x.correlation_id AS correlation_id, run_id, record, attempt,
      dead_letter, trace_id, status, prev_at, prev_failed, recovered_at, requested_at,
      if(kind = 'latency', toUnixTimestamp64Milli(at) - toUnixTimestamp64Milli(requested_at), 0) AS duration_ms, requested, outcomes,
      d.customer AS customer, d.region AS region, d.practice AS practice, d.legal_entity AS legal_entity, d.billing_model AS billing_model
    FROM (
      SELECT 'run' AS kind, flow_source, flow_target, failed, at, correlation_id, run_id, record, attempt, dead_letter, trace_id, status,
        maxOrNull(at) OVER (PARTITION BY ${perDeal} ${RUN_ORDER} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_at,
        ${previousFailedSql(perDeal)} AS prev_failed,
        ${recoveredAtSql(perDeal)} AS recovered_at,
        at AS requested_at, CAST([], 'Array(DateTime64(3, \\'UTC\\'))') AS requested, CAST([], 'Array(DateTime64(3, \\'UTC\\'))') AS outcomes
      FROM (
        SELECT toString(flow_source) AS flow_source, toString(flow_target) AS flow_target, type = 'sync.failed' AS failed, occurred_at AS at,
          correlation_id, event_id AS run_id, if(empty(refs), entity_key, refs[1]) AS record, toUInt32(sync_attempt) AS attempt,
          sync_dead_letter AS dead_letter, trace_id, toString(status) AS status
        FROM ${facts} WHERE type IN ${SYNC_OUTCOMES} AND ${where})
      UNION ALL
      SELECT 'latency', toString(any(flow_source)), toString(any(flow_target)), false, minIf(occurred_at, type IN ${SYNC_OUTCOMES}), correlation_id,
        entity_id, '', 0, false, max(trace_id), '', NULL, false, NULL, minIf(occurred_at, type = 'sync.requested'),
        arraySort(groupArrayIf(occurred_at, type = 'sync.requested')), arraySort(groupArrayIf(occurred_at, type IN ${SYNC_OUTCOMES}))
      FROM ${facts} WHERE type IN ${SYNC_TYPES} AND ${where}
      GROUP BY correlation_id, entity_id
      HAVING countIf(type = 'sync.requested') > 0 AND countIf(type IN ${SYNC_OUTCOMES}) > 0
    ) AS x
    LEFT JOIN ${dealDimensionsSql(deals)} AS d ON d.correlation_id = x.correlation_id`;
}

/** Orphans' rows (not kept in the snapshot), computed when read: events keeps them together (correlation_id = '' sorts first). */
const orphanRowsSql = (): Sql => flowRunRowsSql(sql`events`, sql`correlation_id = ''`, 0, ['']);

/** What the snapshot's readers add to it: span-only runs, orphans' runs (when there are any: left out, they cost nothing). */
export interface Extra {
  spans: boolean;
  orphans: boolean;
}

/** The snapshot's rows of one kind (sql/048) and the orphans' for the deal filters, as `columns`; `orphansOnly`: those alone. */
function storedSql(kind: 'run' | 'latency', columns: Sql, f: Filters, x: Extra, flow?: FlowSelector, orphansOnly = false): Sql {
  const where = sql`kind = ${kind} ${flowOnly(flow)} AND ${dimensionWhere(f)}`;
  const orphans = sql`SELECT ${columns} FROM (${orphanRowsSql()}) WHERE ${where}`;
  if (orphansOnly) return orphans;
  const stored = sql`SELECT ${columns} FROM flow_runs WHERE ${where}`;
  return x.orphans ? sql`${stored} UNION ALL ${orphans}` : stored;
}

const RUN_COLUMNS = trustedSql(`'event' AS origin, toString(flow_source) AS flow_source, toString(flow_target) AS flow_target, at, failed,
  attempt, record, correlation_id, trace_id, status, dead_letter, run_id, prev_at, prev_failed, recovered_at`);

/**
 * runsWithRecoverySql's rows from the snapshot, plus `first`: the record's first run in the
 * window (counting those counts the records). The stored next success is the one within the
 * window unless it comes after its end (then none does); the previous run is before the
 * window when the window starts after it. `spans`: flow spans exist; the records they touch
 * are recomputed here over both origins, as runsWithRecoverySql does.
 */
export function storedRunsSql(f: Filters, flow: FlowSelector | undefined, x: Extra, orphansOnly = false): Sql {
  const events = sql`
    SELECT origin, flow_source, flow_target, at, failed, attempt, record, correlation_id, trace_id, status, dead_letter, run_id,
      prev_at IS NULL OR NOT (${timeWindow({ from: f.from }, sql`prev_at`)}) AS first,
      first OR NOT prev_failed AS starts,
      if(${timeWindow({ to: f.to }, sql`recovered_at`)}, recovered_at, NULL) AS recovered_at
    FROM (${storedSql('run', RUN_COLUMNS, f, x, flow, orphansOnly)})
    WHERE ${timeWindow(f, sql`at`)}`;
  if (!x.spans || orphansOnly) return events;
  const spanRuns = spanOnlyRunsSql(f, flow);
  const touched = sql`(flow_source, flow_target, record) IN (SELECT flow_source, flow_target, record FROM (${spanRuns}))`;
  const byRecord = sql`flow_source, flow_target, record`;
  return sql`
    SELECT * FROM (${events}) WHERE NOT ${touched}
    UNION ALL
    SELECT *, row_number() OVER (PARTITION BY ${byRecord} ${RUN_ORDER}) = 1 AS first, first OR NOT ${previousFailedSql(byRecord)} AS starts,
      ${recoveredAtSql(byRecord)} AS recovered_at
    FROM (
      SELECT * EXCEPT (first, starts, recovered_at) FROM (${events}) WHERE ${touched}
      UNION ALL
      SELECT * FROM (${spanRuns}))`;
}

/**
 * runLatencySql's durations from the snapshot: without a time window the stored one (first
 * request to first outcome); with one, from the first of each inside it (both must be).
 */
export function storedLatencySql(f: Filters, x: Extra): Sql {
  const windowed = Boolean(f.from || f.to);
  const first = (all: Sql) => sql`toUnixTimestamp64Milli(arrayMin(arrayFilter(t -> ${timeWindow(f, sql`t`)}, ${all})))`;
  const events = sql`
    SELECT flow_source, flow_target, toFloat64(ms) AS duration_ms
    FROM (
      SELECT flow_source, flow_target, ${windowed ? sql`${first(sql`outcomes`)} - ${first(sql`requested`)}` : sql`duration_ms`} AS ms
      FROM (${storedSql('latency', trustedSql('toString(flow_source) AS flow_source, toString(flow_target) AS flow_target, duration_ms, requested, outcomes, trace_id'), f, x)})
      WHERE ${windowed ? sql`arrayExists(t -> ${timeWindow(f, sql`t`)}, requested) AND arrayExists(t -> ${timeWindow(f, sql`t`)}, outcomes)` : sql`1`}
        ${x.spans ? sql`AND ${untraced(sql`trace_id`)}` : sql``})
    WHERE ms >= 0`;
  if (!x.spans) return events;
  return sql`
    ${events}
    UNION ALL
    SELECT toString(flow_source), toString(flow_target), toFloat64(duration_ms) FROM (${spanRunsSql(f)})`;
}

/**
 * For the snapshot's queries: they read thousands of rows, or a few columns of the runs, and
 * ClickHouse's JIT compiled their expressions, aggregates and sorts at the fourth run of each
 * shape, inside that query (9.3M events: getFlows' 4th call 370–420 ms, the others 60–150;
 * a region filter's 250–500 ms), for no measurable gain after.
 */
export const NO_JIT = sql`SETTINGS compile_expressions = 0, compile_aggregate_expressions = 0, compile_sort_description = 0`;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * flow_hours and flow_latency (sql/049) answer when no span carries a flow (span runs are not
 * in them): flow_hours for windows of whole days (an hour is in or out) and any deal filter
 * but the customer's (it keeps the other dimensions), flow_latency for every deal without a
 * window (it has neither).
 */
export function aggregatesAnswer(f: Filters, x: Extra): { hours: boolean; latency: boolean } {
  const wholeDays = [f.from, f.to].every((d) => d === undefined || DATE_ONLY.test(d));
  return { hours: !x.spans && !f.customer && wholeDays, latency: !x.spans && !hasDimensionFilter(f) && !f.from && !f.to };
}

/**
 * Per bucket and flow from the snapshot: runs, failures, retries, dead_letters, records (the
 * records' first runs in the window: summed over buckets, the flow's records), span_runs,
 * last_run_at, last_failure_at.
 */
export function storedSummarySql(f: Filters, startOf: Ident, x: Extra): Sql {
  if (aggregatesAnswer(f, x).hours) {
    // A window starts on a day: a record's previous run is before it when its day is. The
    // orphans' runs (not in the snapshot) are added from the events.
    return sql`
      SELECT bucket, flow_source, flow_target, sum(runs) AS runs, sum(failures) AS failures, sum(retries) AS retries,
        sum(dead_letters) AS dead_letters, sum(records) AS records, 0 AS span_runs,
        max(last_run_at) AS last_run_at, max(last_failure_at) AS last_failure_at
      FROM (
        SELECT ${startOf}(hour) AS bucket, toString(flow_source) AS flow_source, toString(flow_target) AS flow_target, runs, failures,
          retries, dead_letters, if(first_run OR NOT (${timeWindow({ from: f.from }, sql`prev_day`)}), runs, 0) AS records,
          last_run_at, last_failure_at
        FROM flow_hours
        WHERE ${timeWindow(f, sql`hour`)} AND ${dimensionWhere(f)}
        ${x.orphans ? sql`UNION ALL
          SELECT ${startOf}(at), flow_source, flow_target, 1, toUInt64(failed), toUInt64(attempt > 1), toUInt64(dead_letter), toUInt64(first),
            at, if(failed, at, NULL)
          FROM (${storedRunsSql(f, undefined, x, true)})` : sql``})
      GROUP BY bucket, flow_source, flow_target`;
  }
  return sql`
    SELECT ${startOf}(at) AS bucket, flow_source, flow_target, count() AS runs, countIf(failed) AS failures,
      countIf(attempt > 1) AS retries, countIf(dead_letter) AS dead_letters, countIf(first) AS records,
      countIf(origin = 'span') AS span_runs, max(at) AS last_run_at, maxIfOrNull(at, failed) AS last_failure_at
    FROM (${storedRunsSql(f, undefined, x)})
    GROUP BY bucket, flow_source, flow_target`;
}

/**
 * Latency p50/p95/p99 per flow from flow_latency's counts (and the orphans' runs), as
 * quantileExactInclusive computes them from the values: h = level·(n − 1) + 1, the h-th
 * smallest interpolated with the next.
 */
export function countedLatencySql(x: Extra): Sql {
  const value = (i: Sql) => sql`toFloat64(counts[arrayFirstIndex(c -> c > ${i}, upto)].1)`;
  const quantile = (level: number) => {
    const h = sql`(${level} * (total - 1) + 1)`;
    const n = sql`toUInt64(${h})`;
    return sql`round(if(${n} >= total, ${value(sql`total - 1`)},
      ${value(sql`${n} - 1`)} + (${h} - ${n}) * (${value(n)} - ${value(sql`${n} - 1`)})), 3)`;
  };
  return sql`
    SELECT flow_source, flow_target, total AS latency_samples, ${quantile(0.5)} AS latency_p50_ms,
      ${quantile(0.95)} AS latency_p95_ms, ${quantile(0.99)} AS latency_p99_ms
    FROM (
      -- (duration, runs) pairs in duration order with the running count (a duration may come twice, once from the orphans)
      SELECT flow_source, flow_target, sum(runs) AS total, arraySort(p -> p.1, groupArray((duration_ms, runs))) AS counts,
        arrayCumSum(arrayMap(p -> p.2, counts)) AS upto
      FROM (
        SELECT toString(flow_source) AS flow_source, toString(flow_target) AS flow_target, duration_ms, runs FROM flow_latency
        ${x.orphans ? sql`UNION ALL
          SELECT flow_source, flow_target, duration_ms, toUInt64(1)
          FROM (${storedSql('latency', trustedSql('toString(flow_source) AS flow_source, toString(flow_target) AS flow_target, duration_ms'), {}, x, undefined, true)})` : sql``})
      WHERE duration_ms >= 0 AND runs > 0
      GROUP BY flow_source, flow_target)`;
}
