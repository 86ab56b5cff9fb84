// Every stuck queue at a glance: per rule its count, how many of them need work (not snoozed
// or resolved in the exception workflow), money at stake (reporting currency), aging buckets,
// owner and the time it allows (as its SLA policy sets it).

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { stuckOfRulesSql } from '../stuck/stuck-sql';
import { clockReader } from '../clocks/read';
import { AGING_BUCKETS, stuckRule, type ThresholdOverrides } from '../stuck/rules';
import { reportingCurrency } from '../money/rates';
import type { StuckSummaryResponse } from '../contracts/stuck';
import type { Filters } from './filters';
import { num, queryNow } from './row-types';
import { selectedRules, stuckIdSql } from './get-stuck-items';
import { exceptionConditions } from './exception-states';
import type { StuckRuleName } from '../stuck/rules';

export type StuckSummaryParams = Filters & {
  now?: string | Date;
  rules?: StuckRuleName[];
  thresholds?: ThresholdOverrides;
};

const rowSchema = z.object({ k: num, aging_bucket: z.enum(AGING_BUCKETS), n: num, value: num, active: num });

export async function getStuckSummary(store: Store, params: StuckSummaryParams): Promise<StuckSummaryResponse> {
  const now = queryNow(params.now);
  const { clocks, rules: set } = await clockReader(store);
  const rules = selectedRules({ rules: params.rules }).map((r) => stuckRule(r, params.thresholds, set));
  // every rule's clock in one read, aggregated by the rule's index
  const rows = await store.query(
    sql`SELECT k, aging_bucket, count() AS n, round(sum(value), 2) AS value,
        countIf(${exceptionConditions({ state: 'active' }, stuckIdSql(rules), now)}) AS active
      FROM ${stuckOfRulesSql(rules, { filters: params, now }, clocks)} GROUP BY k, aging_bucket SETTINGS enable_materialized_cte = 1`,
    rowSchema,
  );
  const queues = rules.map((r) => {
    const mine = rows.filter((x) => rules[x.k] === r);
    const buckets = AGING_BUCKETS.map((b) => {
      const x = mine.find((m) => m.aging_bucket === b);
      return { bucket: b, count: x?.n ?? 0, value: x?.value ?? 0 };
    });
    return {
      rule: r.name,
      title: r.title,
      owner: r.owner,
      money: r.money,
      threshold_hours: r.threshold_hours,
      unit: r.unit,
      count: buckets.reduce((s, b) => s + b.count, 0),
      needs_work: mine.reduce((s, x) => s + x.active, 0),
      value: Math.round(buckets.reduce((s, b) => s + b.value, 0) * 100) / 100,
      buckets,
    };
  });
  return { queues, reporting_currency: reportingCurrency() };
}
