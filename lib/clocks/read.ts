// Reading clocks: the same columns as intervalsSql (lib/sla/intervals-sql.ts), from the
// snapshot (sql/046) when the clock's build is complete, else from the events directly.
// The reader applies `now`: intervals started after it are left out, an end after it counts
// as still open, open intervals' elapsed time runs to it; filters apply to the dimensions the
// rows carry and the time window to when the record started.

import type { Store } from '../clickhouse/client';
import { sql, param, type Sql } from '../clickhouse/sql';
import { intervalsSql, type IntervalOptions } from '../sla/intervals-sql';
import type { IntervalSpec } from '../sla/interval-spec';
import { holidaysFor, elapsedHours } from '../sla/business-time';
import { dimensionWhere, timeWindow } from '../queries/filters';
import { clockId } from './registry';
import { builtClocks } from './build';

export type IntervalsFn = (spec: IntervalSpec, o: IntervalOptions) => Sql;

export function snapshotIntervalsSql(spec: IntervalSpec, o: IntervalOptions): Sql {
  const now = param("DateTime64(3, 'UTC')", o.now);
  const open = o.openOnly
    ? sql`end_at > ${now} AND anchor_at <= ${now} - toIntervalSecond(${Math.round(spec.threshold_hours * 3600)})`
    : sql`1`;
  return sql`(SELECT correlation_id, entity_key, started_at, anchor_at,
      if(end_at <= ${now}, toNullable(end_at), NULL) AS ended_at, toUInt8(end_at > ${now}) AS is_open,
      amount, currency, value, customer, region, practice, legal_entity, billing_model,
      if(is_open = 1, ${elapsedHours(sql`anchor_at`, sql`${now}`, spec.unit, holidaysFor(sql`legal_entity`))}, closed_hours) AS elapsed_hours,
      elapsed_hours - ${spec.threshold_hours} AS late_hours
    FROM clock_intervals
    WHERE clock = ${clockId(spec, o.scope)} AND started_at <= ${now} AND ${open}
      AND ${timeWindow(o.filters, sql`started_at`)} AND ${dimensionWhere(o.filters)})`;
}

/** A function giving each clock's intervals from the snapshot when it is built, else from the events. */
export async function clockIntervals(store: Store): Promise<IntervalsFn> {
  const built = await builtClocks(store);
  return (spec, o) => (built.has(clockId(spec, o.scope)) ? snapshotIntervalsSql(spec, o) : intervalsSql(spec, o));
}
