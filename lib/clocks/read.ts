// Reading clocks: the same columns as intervalsSql (lib/sla/intervals-sql.ts), from the
// snapshot (sql/046) when the clock's build is complete, else from the events directly.
// The reader applies `now`: intervals started after it are left out, an end after it counts
// as still open, open intervals' elapsed time runs to it; filters apply to the dimensions the
// rows carry and the time window to when the record started.

import type { Store } from '../clickhouse/client';
import { sql, param, type Sql } from '../clickhouse/sql';
import { dealDimensionsSql, intervalsSql, type IntervalOptions } from '../sla/intervals-sql';
import type { IntervalSpec } from '../sla/interval-spec';
import { businessSecondsAt, elapsedHours, perCalendar } from '../sla/business-time';
import { dealScope, dimensionWhere, timeWindow, type Filters } from '../queries/filters';
import { clockId, defId } from './registry';
import { builtClocks } from './build';
import { findingSql, type FindingKind } from './findings';

export type IntervalsFn = (spec: IntervalSpec, o: IntervalOptions) => Sql;

/**
 * The age at `now` of an open interval: business time from the stored B(anchor) and B(now),
 * one constant per calendar (computed here), or calendar time.
 */
function openHours(spec: IntervalSpec, now: Date): Sql {
  if (spec.unit === 'calendar') return elapsedHours(sql`anchor_at`, sql`${param("DateTime64(3, 'UTC')", now)}`, 'calendar', sql``);
  return sql`((${perCalendar(sql`legal_entity`, (c) => businessSecondsAt(now, c))} - anchor_bs) / 3600)`;
}

export function snapshotIntervalsSql(spec: IntervalSpec, o: IntervalOptions): Sql {
  const now = param("DateTime64(3, 'UTC')", o.now);
  const canBeLate = sql`anchor_at <= ${now} - toIntervalSecond(${Math.round(spec.threshold_hours * 3600)})`;
  const open = o.openOnly
    ? sql`end_at > ${now} AND ${canBeLate}`
    : o.lateOnly
      ? sql`((end_at <= ${now} AND closed_hours > ${spec.threshold_hours}) OR (end_at > ${now} AND ${canBeLate}))`
      : sql`1`;
  return sql`(SELECT correlation_id, entity_key, started_at, anchor_at,
      if(end_at <= ${now}, toNullable(end_at), NULL) AS ended_at, toUInt8(end_at > ${now}) AS is_open,
      amount, currency, value, customer, region, practice, legal_entity, billing_model,
      if(is_open = 1, ${openHours(spec, o.now)}, closed_hours) AS elapsed_hours,
      elapsed_hours - ${spec.threshold_hours} AS late_hours
    FROM clock_intervals
    WHERE clock = ${clockId(spec, o.scope)} AND started_at <= ${now} AND ${open}
      AND ${timeWindow(o.filters, sql`started_at`)} AND ${dimensionWhere(o.filters)})`;
}

/** correlation_id, entity_key, at, anchor, amount, currency, detail, customer of the findings of one kind. */
export type FindingsFn = (kind: FindingKind, o: { filters: Filters; now: Date }) => Sql;

function snapshotFindingsSql(kind: FindingKind, o: { filters: Filters; now: Date }): Sql {
  const now = param("DateTime64(3, 'UTC')", o.now);
  return sql`(SELECT correlation_id, entity_key, started_at AS at, anchor_at AS anchor, amount, currency, detail, customer FROM clock_intervals
    WHERE clock = ${defId({ finding: kind })} AND started_at <= ${now} AND anchor_at <= ${now}
      AND ${timeWindow(o.filters, sql`started_at`)} AND ${dimensionWhere(o.filters)})`;
}

function liveFindingsSql(kind: FindingKind, o: { filters: Filters; now: Date }): Sql {
  const now = sql`${param("DateTime64(3, 'UTC')", o.now)}`;
  const where = sql`correlation_id != '' AND occurred_at <= ${now} AND ${timeWindow(o.filters, sql`occurred_at`)} AND ${dealScope(o.filters)}`;
  return sql`(SELECT f.*, ifNull(d.customer, '') AS customer FROM (${findingSql(kind, { facts: sql`event_facts`, refs: sql`event_refs`, where, now })}) AS f
    LEFT JOIN ${dealDimensionsSql()} AS d ON d.correlation_id = f.correlation_id)`;
}

/**
 * Where each clock and finding is read from: the snapshot when its build is complete, else
 * the events (exact, slower). `live`: always the events (tests compare the two).
 */
export async function clockReader(store: Store, o: { live?: boolean } = {}): Promise<{ intervals: IntervalsFn; findings: FindingsFn }> {
  const built = o.live ? new Set<string>() : await builtClocks(store);
  return {
    intervals: (spec, o) => (built.has(clockId(spec, o.scope)) ? snapshotIntervalsSql(spec, o) : intervalsSql(spec, o)),
    findings: (kind, o) => (built.has(defId({ finding: kind })) ? snapshotFindingsSql(kind, o) : liveFindingsSql(kind, o)),
  };
}

/** Each clock's intervals from the snapshot when it is built, else from the events. */
export async function clockIntervals(store: Store): Promise<IntervalsFn> {
  return (await clockReader(store)).intervals;
}
