// Stuck items of one rule as SQL: the open intervals past their threshold (absence: the
// next event never came), each with its stable id `${rule}:${entity_key}` and aging bucket.

import { sql, type Sql } from '../clickhouse/sql';
import { intervalsSql, type IntervalOptions } from '../sla/intervals-sql';
import type { ClocksFn, ClocksOptions, IntervalsFn } from '../clocks/read';
import type { StuckRule } from './rules';

export function agingBucketSql(lateHours: Sql): Sql {
  return sql`multiIf(${lateHours} <= 720, '1-30', ${lateHours} <= 1440, '31-60', ${lateHours} <= 2160, '61-90', '90+')`;
}

/** `intervals`: where the clock is read from (clockIntervals(store): the snapshot when built). */
export function stuckItemsSql(rule: StuckRule, o: IntervalOptions, intervals: IntervalsFn = intervalsSql): Sql {
  return sql`(SELECT concat(${rule.name}, ':', entity_key) AS id, ${rule.name} AS rule, ${rule.owner} AS owner, *,
      ${agingBucketSql(sql`late_hours`)} AS aging_bucket
    FROM ${intervals(rule, { ...o, openOnly: true })} WHERE is_open = 1 AND late_hours > 0)`;
}

/** Stuck items of several rules in one read (clockReader's `clocks`), `k` = the rule's index. */
export function stuckOfRulesSql(rules: StuckRule[], o: ClocksOptions, clocks: ClocksFn): Sql {
  return sql`(SELECT *, ${agingBucketSql(sql`late_hours`)} AS aging_bucket
    FROM ${clocks(rules.map((spec) => ({ spec })), { ...o, openOnly: true })} WHERE is_open = 1 AND late_hours > 0)`;
}
