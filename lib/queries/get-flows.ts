// Flow health (DOMAIN.md §11): per integration flow (source → target) its throughput,
// error rate, retries, dead letters, latency p50/p95/p99, time to recover
// (first failure of a record → its next success on the same target) and a trend.
// Latency per run: span duration, else sync.requested → outcome of the same run.
// Runs are defined once in flow-runs.ts; every figure is aggregated in ClickHouse. Records:
// how many distinct records synced (exact). Figures come from the runs' snapshot (sql/048,
// its sums per hour and latency counts sql/049; docs/operational-views.md) once it is
// built, else from the events; the snapshot lags ingest by the refresher's second or so.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { ident, sql, type Sql } from '../clickhouse/sql';
import { filtersSchema, type Filters } from './filters';
import {
  aggregatesAnswer,
  countedLatencySql,
  flowRunsSql,
  NO_JIT,
  runLatencySql,
  runsWithRecoverySql,
  storedLatencySql,
  storedRunsSql,
  storedSummarySql,
} from './flow-runs';
import { flowRunSource } from '../clocks/flow-runs';
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

/** Per flow and bucket: the counts of the flow table, summed over buckets (records: first runs in the window). */
const summaryRow = countsRow.extend({ bucket: chIso });

/** The three levels from one state (one copy and sort of the durations, not three). */
function latencySql(durations: Sql): Sql {
  return sql`SELECT flow_source, flow_target,
      count() AS latency_samples,
      quantilesExactInclusive(0.5, 0.95, 0.99)(duration_ms) AS levels,
      round(levels[1], 3) AS latency_p50_ms,
      round(levels[2], 3) AS latency_p95_ms,
      round(levels[3], 3) AS latency_p99_ms
    FROM (${durations})
    GROUP BY flow_source, flow_target`;
}

/**
 * Per flow from failure episodes (flow_source, flow_target, recovered_at, ttr_ms: first
 * failure → recovery). The mean divides the exact sum of milliseconds: a sum of fractions of
 * seconds would depend on the order the rows come in.
 */
function recoverySql(episodes: Sql): Sql {
  return sql`SELECT flow_source, flow_target, count() AS failure_episodes,
      countIf(recovered_at IS NOT NULL) AS recovered,
      quantileExactInclusiveIf(0.5)(ttr_ms / 1000, recovered_at IS NOT NULL) AS ttr_p50_s,
      if(recovered > 0, sumIf(ttr_ms, recovered_at IS NOT NULL) / recovered / 1000, NULL) AS ttr_mean_s,
      maxIf(ttr_ms / 1000, recovered_at IS NOT NULL) AS ttr_max_s
    FROM (${episodes})
    GROUP BY flow_source, flow_target`;
}

const ttrMs = (firstFailure: Sql) => sql`toUnixTimestamp64Milli(assumeNotNull(recovered_at)) - toUnixTimestamp64Milli(${firstFailure})`;

const later = (a: string | null, b: string | null) => (a === null || (b !== null && b > a) ? b : a);

/** `live`: computed from the events, not the snapshot (tests compare the two). */
export async function getFlows(store: Store, params: FlowsParams, o: { live?: boolean } = {}): Promise<FlowsResult> {
  const f = flowsParamsSchema.parse(params);
  const bucket = f.bucket ?? defaultBucket(f);
  const startOf = ident(bucket === 'hour' ? 'toStartOfHour' : 'toStartOfDay', ['toStartOfHour', 'toStartOfDay']);
  const source = await flowRunSource(store, o.live);
  let counts: z.infer<typeof countsRow>[];
  let latency: z.infer<typeof latencyRow>[];
  let recovery: z.infer<typeof recoveryRow>[];
  let trend: FlowTrendRow[];
  if (source.snapshot) {
    // The snapshot (sql/048, 049): one pass gives the trend and, summed, the counts.
    let summary: z.infer<typeof summaryRow>[];
    [summary, latency, recovery] = await Promise.all([
      store.query(sql`${storedSummarySql(f, startOf, source)} ORDER BY bucket, flow_source, flow_target ${NO_JIT}`, summaryRow),
      store.query(
        sql`${aggregatesAnswer(f, source).latency ? countedLatencySql(source) : latencySql(storedLatencySql(f, source))} ${NO_JIT}`,
        latencyRow,
      ),
      // An episode's first failure starts it: no grouping by record.
      store.query(
        sql`${recoverySql(sql`SELECT flow_source, flow_target, recovered_at, ${ttrMs(sql`at`)} AS ttr_ms
          FROM (${storedRunsSql(f, undefined, source)}) WHERE failed AND starts`)} ${NO_JIT}`,
        recoveryRow,
      ),
    ]);
    const byFlow = new Map<string, z.infer<typeof countsRow>>();
    trend = [];
    for (const { bucket, ...r } of summary) {
      trend.push({ bucket, flow_source: r.flow_source, flow_target: r.flow_target, runs: r.runs, failures: r.failures });
      const c = byFlow.get(flowKey(r));
      if (!c) {
        byFlow.set(flowKey(r), { ...r });
        continue;
      }
      for (const k of ['runs', 'failures', 'retries', 'dead_letters', 'records', 'span_runs'] as const) c[k] += r[k];
      c.last_run_at = later(c.last_run_at, r.last_run_at);
      c.last_failure_at = later(c.last_failure_at, r.last_failure_at);
    }
    counts = [...byFlow.values()];
  } else {
    [counts, latency, recovery, trend] = await Promise.all([
      store.query(
        sql`SELECT flow_source, flow_target, count() AS runs, countIf(failed) AS failures,
              countIf(attempt > 1) AS retries, countIf(dead_letter) AS dead_letters,
              uniqExact(record) AS records, countIf(origin = 'span') AS span_runs,
              max(at) AS last_run_at, maxIfOrNull(at, failed) AS last_failure_at
            FROM (${flowRunsSql(f)})
            GROUP BY flow_source, flow_target`,
        countsRow,
      ),
      store.query(latencySql(runLatencySql(f)), latencyRow),
      store.query(
        recoverySql(sql`SELECT flow_source, flow_target, recovered_at, ${ttrMs(sql`min(at)`)} AS ttr_ms
          FROM (${runsWithRecoverySql(f)}) WHERE failed
          GROUP BY flow_source, flow_target, record, recovered_at`),
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
  }

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
