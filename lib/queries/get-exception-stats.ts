// The exception-workflow KPI: how many stuck items sit in each workflow state, and how
// long resolved ones took from opened (first seen stuck, or first touched) to resolved —
// p50 / p90 / mean hours, overall and per stuck rule.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql, join, type Sql } from '../clickhouse/sql';
import { dateParam } from './filters';

export const exceptionStatsParamsSchema = z.object({
  from: dateParam.optional(),
  to: dateParam.optional(),
  rule: z.string().max(100).optional(),
});
export type ExceptionStatsParams = z.infer<typeof exceptionStatsParamsSchema>;

const n = z.coerce.number();
const ruleStatsSchema = z.object({
  rule: z.string(),
  acknowledged: n,
  assigned: n,
  snoozed: n,
  resolved: n,
  resolve_hours_p50: n.nullable(),
  resolve_hours_p90: n.nullable(),
  resolve_hours_mean: n.nullable(),
});
export type ExceptionRuleStats = z.infer<typeof ruleStatsSchema>;

export async function getExceptionStats(store: Store, params: ExceptionStatsParams = {}): Promise<{ total: ExceptionRuleStats; by_rule: ExceptionRuleStats[] }> {
  const p = exceptionStatsParamsSchema.parse(params);
  const c: Sql[] = [sql`1`];
  if (p.rule) c.push(sql`rule = ${p.rule}`);
  // The window applies to when items were resolved (or last changed, for open ones).
  if (p.from) c.push(sql`coalesce(resolved_at, updated_at) >= parseDateTime64BestEffort(${p.from}, 3, 'UTC')`);
  if (p.to) c.push(sql`coalesce(resolved_at, updated_at) < parseDateTime64BestEffort(${p.to}, 3, 'UTC') + INTERVAL 1 DAY`);
  const hours = sql`if(state = 'resolved', dateDiff('second', opened_at, resolved_at) / 3600, NULL)`;
  const cols = sql`
      countIf(state = 'acknowledged') AS acknowledged,
      countIf(state = 'assigned') AS assigned,
      countIf(state = 'snoozed' AND snoozed_until > now64(3)) AS snoozed,
      countIf(state = 'resolved') AS resolved,
      quantileIf(0.5)(${hours}, state = 'resolved') AS resolve_hours_p50,
      quantileIf(0.9)(${hours}, state = 'resolved') AS resolve_hours_p90,
      avgIf(${hours}, state = 'resolved') AS resolve_hours_mean`;
  const where = join(c, ' AND ');
  const fix = (r: ExceptionRuleStats): ExceptionRuleStats => ({
    ...r,
    resolve_hours_p50: r.resolved ? r.resolve_hours_p50 : null,
    resolve_hours_p90: r.resolved ? r.resolve_hours_p90 : null,
    resolve_hours_mean: r.resolved ? r.resolve_hours_mean : null,
  });
  const [total] = await store.query(sql`SELECT '' AS rule, ${cols} FROM exceptions FINAL WHERE ${where}`, ruleStatsSchema);
  const byRule = await store.query(sql`SELECT rule, ${cols} FROM exceptions FINAL WHERE ${where} GROUP BY rule ORDER BY rule`, ruleStatsSchema);
  return { total: fix(total), by_rule: byRule.map(fix) };
}
