// One definition of "a run of an integration flow", shared by the flow queries.
// A run is either a middleware sync outcome event (sync.succeeded / sync.failed, with
// attributes flow_source, flow_target, attempt) or, for runs reported only as traces,
// the spans of one trace that carry flow_source/flow_target. A trace already reported
// by a sync event is not counted twice; its spans still give the run's latency.
// Latency: the span duration where the run was traced, else sync.requested → outcome of
// the same sync run (entity_id) from the events.

import { sql, type Sql } from '../clickhouse/sql';
import { dealScope, timeWindow, type Filters } from './filters';

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

/**
 * Spans grouped per (trace, flow): the outermost span (the longest) gives the run's status;
 * duration is first start to last end. The record is the span attribute `q2c.record` when
 * the middleware sets it, else the deal, else the trace itself.
 */
export function spanRunsSql(f: Filters, flow?: FlowSelector): Sql {
  const only = flow ? sql`AND flow_source = ${flow.flow_source} AND flow_target = ${flow.flow_target}` : sql``;
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
  const only = flow ? sql`AND flow_source = ${flow.flow_source} AND flow_target = ${flow.flow_target}` : sql``;
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
    SELECT 'span', toString(flow_source), toString(flow_target), at, failed, attempt, record, correlation_id, trace_id, status, dead_letter, trace_id
    FROM (${spanRunsSql(f, flow)})
    WHERE trace_id NOT IN (SELECT trace_id FROM event_facts WHERE type IN ${SYNC_OUTCOMES} AND trace_id != '')`;
}

/**
 * Runs with, for each failure, the time of the next success of the same record and target
 * (NULL while it has not recovered). A success at the same instant counts as after.
 */
export function runsWithRecoverySql(f: Filters, flow?: FlowSelector): Sql {
  return sql`
    SELECT *,
      if(failed,
         minIfOrNull(at, NOT failed) OVER (
           PARTITION BY flow_source, flow_target, record
           ORDER BY at ASC, failed DESC
           ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING),
         NULL) AS recovered_at
    FROM (${flowRunsSql(f, flow)})`;
}

/**
 * One duration per run: spans where the run was traced; otherwise, from the events, the
 * time from a sync run's sync.requested to its outcome (same entity_id, same flow).
 * Columns flow_source, flow_target, duration_ms.
 */
export function runLatencySql(f: Filters, flow?: FlowSelector): Sql {
  const only = flow ? sql`AND flow_source = ${flow.flow_source} AND flow_target = ${flow.flow_target}` : sql``;
  return sql`
    SELECT toString(flow_source) AS flow_source, toString(flow_target) AS flow_target, toFloat64(duration_ms) AS duration_ms
    FROM (${spanRunsSql(f, flow)})
    UNION ALL
    SELECT e_source, e_target, toFloat64(e_duration_ms)
    FROM (
      -- One group per sync run (entity_id): a single string key keeps the aggregation cheap.
      SELECT toString(any(flow_source)) AS e_source, toString(any(flow_target)) AS e_target,
        any(trace_id) AS e_trace_id,
        toUnixTimestamp64Milli(minIf(occurred_at, type IN ${SYNC_OUTCOMES}))
          - toUnixTimestamp64Milli(minIf(occurred_at, type = 'sync.requested')) AS e_duration_ms
      FROM event_facts
      WHERE type IN ${SYNC_TYPES} ${only} AND ${timeWindow(f, sql`occurred_at`)} AND ${dealScope(f)}
      GROUP BY entity_id
      HAVING countIf(type = 'sync.requested') > 0 AND countIf(type IN ${SYNC_OUTCOMES}) > 0)
    WHERE e_duration_ms >= 0
      AND (e_trace_id = '' OR e_trace_id NOT IN (SELECT trace_id FROM spans WHERE flow_source != ''))`;
}
