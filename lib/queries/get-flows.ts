// Flow health (DOMAIN.md §11): per integration flow (source → target) its throughput,
// error rate, retries, dead letters, latency p50/p95/p99, time to recover
// (first failure of a record → its next success on the same target) and a trend.
// Latency per run: span duration, else sync.requested → outcome of the same run.
// Runs are defined once in flow-runs.ts; every figure is aggregated in ClickHouse.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { ident, sql } from '../clickhouse/sql';
import { filtersSchema, type Filters } from './filters';
import { flowRunsSql, runLatencySql, runsWithRecoverySql } from './flow-runs';
import { chNum, chNumOrNull, chIso, chIsoOrNull } from './ch-columns';

export const TREND_BUCKETS = ['hour', 'day'] as const;

export const flowsParamsSchema = filtersSchema.extend({
  /** Trend granularity; by default hourly for windows up to two days, else daily. */
  bucket: z.enum(TREND_BUCKETS).optional(),
});
export type FlowsParams = z.infer<typeof flowsParamsSchema>;

export const flowRowSchema = z.object({
  flow_source: z.string(),
  flow_target: z.string(),
  runs: chNum,
  failures: chNum,
  error_rate: z.number().nullable(),
  retries: chNum,
  dead_letters: chNum,
  records: chNum,
  span_runs: chNum,
  last_run_at: chIsoOrNull,
  last_failure_at: chIsoOrNull,
  latency_samples: chNum,
  latency_p50_ms: chNumOrNull,
  latency_p95_ms: chNumOrNull,
  latency_p99_ms: chNumOrNull,
  /** Failure episodes: consecutive failures of one record on one target, until its next success. */
  failure_episodes: chNum,
  recovered: chNum,
  /** Episodes with no success yet (still failing). */
  open_failures: chNum,
  ttr_p50_s: chNumOrNull,
  ttr_mean_s: chNumOrNull,
  ttr_max_s: chNumOrNull,
});
export type FlowRow = z.infer<typeof flowRowSchema>;

export const flowTrendRowSchema = z.object({
  bucket: chIso,
  flow_source: z.string(),
  flow_target: z.string(),
  runs: chNum,
  failures: chNum,
});
export type FlowTrendRow = z.infer<typeof flowTrendRowSchema>;

export interface FlowsResult {
  bucket: (typeof TREND_BUCKETS)[number];
  flows: FlowRow[];
  trend: FlowTrendRow[];
}

const countsRow = z.object({
  flow_source: z.string(),
  flow_target: z.string(),
  runs: chNum,
  failures: chNum,
  retries: chNum,
  dead_letters: chNum,
  records: chNum,
  span_runs: chNum,
  last_run_at: chIsoOrNull,
  last_failure_at: chIsoOrNull,
});
const latencyRow = z.object({
  flow_source: z.string(),
  flow_target: z.string(),
  latency_samples: chNum,
  latency_p50_ms: chNumOrNull,
  latency_p95_ms: chNumOrNull,
  latency_p99_ms: chNumOrNull,
});
const recoveryRow = z.object({
  flow_source: z.string(),
  flow_target: z.string(),
  failure_episodes: chNum,
  recovered: chNum,
  ttr_p50_s: chNumOrNull,
  ttr_mean_s: chNumOrNull,
  ttr_max_s: chNumOrNull,
});

export function defaultBucket(f: Filters): (typeof TREND_BUCKETS)[number] {
  if (!f.from || !f.to) return 'day';
  const days = (Date.parse(f.to) - Date.parse(f.from)) / 86_400_000;
  return days <= 1 ? 'hour' : 'day';
}

const flowKey = (r: { flow_source: string; flow_target: string }) => `${r.flow_source}\u0000${r.flow_target}`;

export async function getFlows(store: Store, params: FlowsParams): Promise<FlowsResult> {
  const f = flowsParamsSchema.parse(params);
  const bucket = f.bucket ?? defaultBucket(f);
  const startOf = ident(bucket === 'hour' ? 'toStartOfHour' : 'toStartOfDay', ['toStartOfHour', 'toStartOfDay']);
  const [counts, latency, recovery, trend] = await Promise.all([
    store.query(
      sql`SELECT flow_source, flow_target, count() AS runs, countIf(failed) AS failures,
            countIf(attempt > 1) AS retries, countIf(dead_letter) AS dead_letters,
            uniq(record) AS records, countIf(origin = 'span') AS span_runs,
            max(at) AS last_run_at, maxIfOrNull(at, failed) AS last_failure_at
          FROM (${flowRunsSql(f)})
          GROUP BY flow_source, flow_target`,
      countsRow,
    ),
    store.query(
      sql`SELECT flow_source, flow_target,
            count() AS latency_samples,
            round(quantileExactInclusive(0.5)(duration_ms), 3) AS latency_p50_ms,
            round(quantileExactInclusive(0.95)(duration_ms), 3) AS latency_p95_ms,
            round(quantileExactInclusive(0.99)(duration_ms), 3) AS latency_p99_ms
          FROM (${runLatencySql(f)})
          GROUP BY flow_source, flow_target`,
      latencyRow,
    ),
    store.query(
      sql`SELECT flow_source, flow_target, count() AS failure_episodes,
            countIf(recovered_at IS NOT NULL) AS recovered,
            quantileExactInclusiveIf(0.5)(ttr_s, recovered_at IS NOT NULL) AS ttr_p50_s,
            avgIf(ttr_s, recovered_at IS NOT NULL) AS ttr_mean_s,
            maxIf(ttr_s, recovered_at IS NOT NULL) AS ttr_max_s
          FROM (
            SELECT flow_source, flow_target, record, recovered_at,
              (toUnixTimestamp64Milli(assumeNotNull(recovered_at)) - toUnixTimestamp64Milli(min(at))) / 1000 AS ttr_s
            FROM (${runsWithRecoverySql(f)})
            WHERE failed
            GROUP BY flow_source, flow_target, record, recovered_at
          )
          GROUP BY flow_source, flow_target`,
      recoveryRow,
    ),
    store.query(
      sql`SELECT ${startOf}(at) AS bucket, flow_source, flow_target, count() AS runs, countIf(failed) AS failures
          FROM (${flowRunsSql(f)})
          GROUP BY bucket, flow_source, flow_target
          ORDER BY bucket, flow_source, flow_target`,
      flowTrendRowSchema,
    ),
  ]);

  const lat = new Map(latency.map((r) => [flowKey(r), r]));
  const rec = new Map(recovery.map((r) => [flowKey(r), r]));
  const flows: FlowRow[] = counts.map((c) => {
    const l = lat.get(flowKey(c));
    const r = rec.get(flowKey(c));
    const episodes = r?.failure_episodes ?? 0;
    const recovered = r?.recovered ?? 0;
    return {
      ...c,
      error_rate: c.runs > 0 ? c.failures / c.runs : null,
      latency_samples: l?.latency_samples ?? 0,
      latency_p50_ms: l?.latency_p50_ms ?? null,
      latency_p95_ms: l?.latency_p95_ms ?? null,
      latency_p99_ms: l?.latency_p99_ms ?? null,
      failure_episodes: episodes,
      recovered,
      open_failures: episodes - recovered,
      ttr_p50_s: recovered > 0 ? (r?.ttr_p50_s ?? null) : null,
      ttr_mean_s: recovered > 0 ? (r?.ttr_mean_s ?? null) : null,
      ttr_max_s: recovered > 0 ? (r?.ttr_max_s ?? null) : null,
    };
  });
  flows.sort((a, b) => b.open_failures - a.open_failures || b.failures - a.failures || b.runs - a.runs || flowKey(a).localeCompare(flowKey(b)));
  return { bucket, flows, trend };
}
