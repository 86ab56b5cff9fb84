// The executive overview in one call: every KPI of DOMAIN.md §8 (value, p50/p90, trend,
// target, change against the previous period of the same length), the cash waterfall in
// the reporting currency and per currency, and breakdowns by each dimension.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql, join, param, trustedSql, type Sql } from '../clickhouse/sql';
import { KPIS, kpiTargets, type KpiDefinition, type KpiId } from '../kpis/definitions';
import { clockReader, type ClocksFn, type ClosedCountsFn, type FindingsFn } from '../clocks/read';
import type { FindingKind } from '../clocks/findings';
import type { StuckRuleSet } from '../stuck/rules';
import { reportingCurrency, unpricedCurrencies } from '../money/rates';
import type { Kpi, KpisResponse } from '../contracts/kpis';
import { dealScope, type Filters } from './filters';
import { num, queryNow } from './row-types';
import { day, kpiWindow, type KpiWindow } from './kpi-window';
import { cohortPart } from './get-cash-waterfall';
import { queryPart, runPart, runParts } from '../clickhouse/parts';

/** `tallies: false`: closed intervals read one by one, never counted from clock_days (tests compare the two). */
export type KpisParams = Filters & { now?: string | Date; tallies?: boolean };
/** `rules`: the stuck rules as configured (time billed within SLA is time-not-billed's). */
type KpiReader = { clocks: ClocksFn; findings: FindingsFn; closedCounts: ClosedCountsFn; rules: StuckRuleSet };

const HOURS_PER: Record<string, number> = { hours: 1, days: 24, share: 1 };
/** The aggregates' and the cohort's grouping sets need NULL for the keys a set leaves out. */
export const KPI_SETTINGS = sql`SETTINGS group_by_use_nulls = 1, enable_materialized_cte = 1`;

/**
 * The KPIs' measurements in [previous_from, to): durations in the KPI's unit, rates as 0/1.
 * `clocks`: the duration KPIs in one read of their clocks, per KPI, period and bucket (and
 * per KPI and period: bucket NULL) with n, p50/p90 and the mean; each share (keyed by its
 * KPI id) on its own, as per-day counts (kpi, day, c, s) that shareRows sums: one GROUP BY
 * over every measurement with the KPI as a string key was ~60% of the overview at 9.3M
 * events (3.6M measurements); quantiles are kept for the durations only. Exported (with
 * dsoPart) for the benchmark's per-part timings.
 */
export function aggregateParts(w: KpiWindow, f: Filters, now: Date, { clocks, findings, closedCounts, rules }: KpiReader): Record<string, Sql> {
  const wide: Filters = { ...f, from: w.previousFrom, to: w.to };
  const parts: Record<string, Sql> = {};
  // shares (means of 0/1 values, no quantiles): counted per day in SQL (kpi, day, c, s: c
  // measurements of which s count; the mean is s / c), summed per period and bucket from those
  // few hundred rows by shareRows — the grouping sets over them cost ~5–10 ms per share at any
  // volume. shares counts them from (at, v) rows, `n` being what counts as a measurement
  // (default every row).
  const perDay = (kpi: KpiId, days: Sql) =>
    (parts[kpi] = sql`SELECT ${kpi} AS kpi, toString(day) AS day, toFloat64(c) AS c, toFloat64(s) AS s FROM (${days})`);
  const shares = (kpi: KpiId, rows: Sql, n: Sql = sql`count()`) =>
    perDay(kpi, sql`SELECT toDate(at) AS day, ${n} AS c, sum(v) AS s FROM (${rows}) GROUP BY day`);
  // the KPI clocks' closed intervals (one read of their clocks, grouped by clock index), and
  // time billed within SLA: decided items of the time-not-billed clock (billed, or past the
  // deadline). Quantiles straight from the rows, each row aggregated once: per clock and
  // period, with the current period's buckets as -Resample arrays (bucket index i; -1 for the
  // previous period, out of range) — grouping sets (kpi, period) and (kpi, period, bucket)
  // aggregated each row twice (~15 ms more of ~95 at 9.7M events, ~1.2M intervals); per-bucket
  // states merged per period cost ~70 ms more
  const timed = KPIS.filter((k) => k.clock);
  const ids = timed.map((k) => k.id);
  const divisors = param('Array(Float64)', timed.map((k) => HOURS_PER[k.unit]));
  const closed = clocks(timed.map((k) => ({ spec: { ...k.clock!, threshold_hours: 0 } })), { filters: wide, now, only: 'closed' });
  const { base, step, count } = bucketRange(w);
  const index = sql`if(at >= ${w.fromDate}, toInt32(intDiv(dateDiff('day', ${base}, toDate(at)), ${step})), -1)`;
  const per = (f: string, params = '') => trustedSql(`${f}Resample(${params}0, ${count}, 1)`);
  parts.clocks = sql`SELECT transform(k, ${param('Array(Int64)', ids.map((_, i) => i))}, ${ids}, '') AS kpi, period, row.1 AS b, row.2 AS n,
      row.3 AS q, q[1] AS p50, q[2] AS p90, row.4 AS mean
    FROM (SELECT k, if(at >= ${w.fromDate}, 'cur', 'prev') AS period, count() AS n_all, quantilesExact(0.5, 0.9)(v) AS q_all, avg(v) AS mean_all,
        ${per('count')}(v, i) AS bn, ${per('quantilesExact', '0.5, 0.9, ')}(v, i) AS bq, ${per('avg')}(v, i) AS bmean
      FROM (SELECT k, at, v, ${index} AS i FROM (SELECT k, anchor_at AS at, elapsed_hours / arrayElement(${divisors}, k + 1) AS v FROM ${closed} WHERE is_open = 0))
      GROUP BY k, period)
    ARRAY JOIN arrayConcat([(CAST(NULL, 'Nullable(Date)'), n_all, q_all, mean_all)],
      arrayFilter(x -> x.2 > 0, arrayMap(j -> (toNullable(addDays(${base}, (j - 1) * ${step})), bn[j], bq[j], bmean[j]), range(1, ${count} + 1)))) AS row`;
  // (closed: counted per day in clock_days where it can answer, ~1.1M time entries at 9.5M events)
  const billing = [{ spec: rules['time-not-billed'] }];
  const counted = closedCounts(billing, { filters: wide, now });
  if (counted) {
    perDay('time_billed_within_sla', sql`SELECT day, sum(d) AS c, sum(d_in) AS s FROM (
        SELECT anchor_day AS day, n AS d, n - n_late AS d_in FROM ${counted}
        UNION ALL
        SELECT toDate(anchor_at) AS day, toInt64(1) AS d, toInt64(0) AS d_in FROM ${clocks(billing, { filters: wide, now, openOnly: true })} WHERE late_hours > 0)
      GROUP BY day HAVING c != 0`);
  } else {
    const decided = clocks(billing, { filters: wide, now, only: 'decided' });
    shares('time_billed_within_sla', sql`SELECT anchor_at AS at, toFloat64(late_hours <= 0) AS v FROM ${decided} WHERE is_open = 0 OR late_hours > 0`);
  }
  const win = sql`occurred_at >= ${w.previousFromDate} AND occurred_at < ${w.toDate} AND occurred_at <= ${now} AND ${dealScope(f)}`;
  shares('integration_failure_rate', sql`SELECT occurred_at AS at, toFloat64(type = 'sync.failed') AS v
    FROM event_facts WHERE type IN ('sync.failed', 'sync.succeeded') AND ${win}`);
  // per-deal findings (lib/clocks/findings.ts), summed: both copies of a refreshing deal may count for a moment
  const found = (kind: FindingKind) => findings(kind, { filters: wide, now, aggregate: true });
  // invoices issued in the window, and the first exception of those that have one (anchor <= now)
  shares('invoice_exception_rate', sql`SELECT at, toFloat64(detail = 'exception') AS v FROM ${found('invoice_exceptions')}`, sql`countIf(v = 0)`);
  // deals whose first event is in the window, 1 when traceable end to end
  shares('traceability', sql`SELECT at, amount AS v FROM ${found('traceability')}`);
  return parts;
}

const DAY = 86_400_000;

/** The current period's buckets: the first one's start (ms, a midnight; `base` in SQL), days per bucket, how many. */
function bucketRange(w: KpiWindow): { first: number; base: Sql; step: number; count: number } {
  const step = w.bucket === 'day' ? 1 : 7;
  const first = w.bucket === 'day' ? w.fromDate.getTime() : mondayOf(w.fromDate.getTime());
  return { first, base: sql`toDate(${new Date(first)})`, step, count: Math.ceil((w.toDate.getTime() - first) / (step * DAY)) };
}

/** The current period's buckets' (label, exclusive end) as the trend shows them; the last ends with the window. */
function bucketEnds(w: KpiWindow): { bucket: string; end: Date }[] {
  const { first, step, count } = bucketRange(w);
  return Array.from({ length: count }, (_, i) => {
    const start = first + i * step * DAY;
    return { bucket: day(new Date(start)), end: new Date(Math.min(start + step * DAY, w.toDate.getTime())) };
  });
}

const dayRowSchema = z.object({ kpi: z.string(), day: z.string(), c: num, s: num });

/** The shares' per-day counts summed per period and per bucket of the current period (aggSchema's rows). */
function shareRows(w: KpiWindow, days: z.infer<typeof dayRowSchema>[]): z.infer<typeof aggSchema>[] {
  const sums = new Map<string, { kpi: string; period: 'cur' | 'prev'; bucket: string | null; n: number; s: number }>();
  const add = (kpi: string, period: 'cur' | 'prev', bucket: string | null, c: number, v: number) => {
    const key = `${kpi}|${period}|${bucket}`;
    const e = sums.get(key) ?? { kpi, period, bucket, n: 0, s: 0 };
    e.n += c;
    e.s += v;
    sums.set(key, e);
  };
  for (const d of days) {
    const period = d.day >= w.from ? 'cur' : 'prev';
    add(d.kpi, period, null, d.c, d.s);
    if (period === 'cur') add(d.kpi, period, w.bucket === 'day' ? d.day : weekOf(d.day), d.c, d.s);
  }
  return [...sums.values()].map((e) => ({ kpi: e.kpi, period: e.period, bucket: e.bucket, n: e.n, p50: null, p90: null, mean: e.n ? e.s / e.n : null }));
}

/** The start (UTC midnight, ms) of the Monday on or before a UTC midnight (ClickHouse toStartOfWeek(d, 1)). */
function mondayOf(midnight: number): number {
  return midnight - ((new Date(midnight).getUTCDay() + 6) % 7) * DAY;
}

/** The Monday on or before a YYYY-MM-DD date, as YYYY-MM-DD. */
function weekOf(day: string): string {
  return new Date(mondayOf(Date.parse(`${day}T00:00:00Z`))).toISOString().slice(0, 10);
}

const aggSchema = z.object({
  kpi: z.string(),
  period: z.enum(['cur', 'prev']),
  bucket: z.string().nullable(),
  n: num,
  p50: num.nullable(),
  p90: num.nullable(),
  mean: num.nullable(),
});

const round = (v: number | null, d = 4) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d);

function headline(k: KpiDefinition, a: z.infer<typeof aggSchema> | undefined): { value: number | null; p50: number | null; p90: number | null } {
  if (!a || a.n === 0) return { value: null, p50: null, p90: null };
  if (k.unit === 'share') return { value: round(a.mean), p50: null, p90: null };
  if (k.id === 'integration_mttr') return { value: round(a.mean), p50: round(a.p50), p90: round(a.p90) };
  return { value: round(a.p50), p50: round(a.p50), p90: round(a.p90) };
}

/** A period is compared with the previous one only when that holds at least this many measurements … */
export const MIN_COMPARABLE_N = 10;

/**
 * … and at least a quarter as many as this period: far fewer means history begins inside it
 * (the first weeks after Cashtrace was installed or backfilled), and its few measurements
 * are the deals that happened to finish early — a "change" against them misleads.
 */
export function comparable(n: number, previousN: number): boolean {
  return previousN >= MIN_COMPARABLE_N && previousN * 4 >= n;
}

export async function getKpis(store: Store, params: KpisParams): Promise<KpisResponse> {
  const now = queryNow(params.now);
  const w = kpiWindow(params, now);
  const read = await clockReader(store, { tallies: params.tallies ?? true });
  // two queries at once: the KPI clocks, the shares' days and DSO as one (runParts: the
  // small parts ride along the clocks' read), the cohort on its own. At 9.7M events,
  // interleaved (25 calls each, p50 ms): 278 this way, 286 with DSO beside the cohort, 295
  // as four queries, 315 as the aggregates (shares grouped in SQL), DSO and cohort
  const { clocks, ...shares } = aggregateParts(w, params, now, read);
  const [{ durations, days, dso }, cohort] = await Promise.all([
    runParts(
      store,
      {
        durations: queryPart({ sql: sql`SELECT kpi, period, toString(b) AS bucket, n, p50, p90, mean FROM (${clocks})`, schema: aggSchema, then: (rows) => rows }),
        days: queryPart({ sql: join(Object.values(shares), ' UNION ALL '), schema: dayRowSchema, then: (rows) => shareRows(w, rows) }),
        dso: dsoPart(w, params, now, read.findings),
      },
      { settings: KPI_SETTINGS },
    ),
    runPart(store, cohortPart({ ...params, from: w.from, to: w.to, now }, read.findings), { settings: KPI_SETTINGS }),
  ]);
  const { waterfall, breakdowns } = cohort;
  const agg = [...durations, ...days];
  const targets = kpiTargets();
  const kpis: Kpi[] = KPIS.map((k) => {
    let cur: { value: number | null; p50: number | null; p90: number | null; n: number };
    let prev: number | null;
    let prevN: number;
    let trend: Kpi['trend'];
    if (k.id === 'dso') {
      cur = { value: round(dso.cur, 2), p50: null, p90: null, n: dso.n };
      prev = round(dso.prev, 2);
      prevN = dso.nPrev;
      trend = dso.trend;
    } else {
      const mine = agg.filter((a) => a.kpi === k.id);
      const c = mine.find((a) => a.period === 'cur' && a.bucket === null);
      const p = mine.find((a) => a.period === 'prev' && a.bucket === null);
      cur = { ...headline(k, c), n: c?.n ?? 0 };
      prev = headline(k, p).value;
      prevN = p?.n ?? 0;
      trend = mine
        .filter((a) => a.period === 'cur' && a.bucket !== null)
        .map((a) => ({ bucket: a.bucket!, value: headline(k, a).value, n: a.n }))
        .sort((a, b) => a.bucket.localeCompare(b.bucket));
    }
    const { clock: _c, ...def } = k;
    const change = cur.value !== null && prev !== null && comparable(cur.n, prevN) ? round(cur.value - prev) : null;
    return { ...def, target: targets[k.id], ...cur, previous: prev, previous_n: prevN, change, trend };
  });
  return {
    window: { from: w.from, to: w.to, previous_from: w.previousFrom, bucket: w.bucket },
    reporting_currency: reportingCurrency(),
    kpis,
    waterfall: waterfall.total,
    waterfall_by_currency: waterfall.byCurrency,
    unpriced_currencies: unpricedCurrencies(waterfall.byCurrency.map((w) => w.currency)),
    breakdowns,
  };
}

/**
 * DSO = receivables open at the end of the period ÷ invoiced during the period × days in
 * the period, in the reporting currency (open = invoice − payments − credits referring to it).
 * Summed over the receivables findings (lib/clocks/findings.ts: invoices, and the payments
 * referring to them with their invoice's issue time), snapshot or events: one pass, no join of
 * every invoice to every payment (was ~1 s at 9.3M events). Amounts are the findings' reporting
 * values, converted once when stored (converting per read: 49 against 42 ms at 9.7M events).
 */
const daySums = z.tuple([z.array(z.string()), z.array(num)]);

export function dsoPart(w: KpiWindow, f: Filters, now: Date, findings: FindingsFn) {
  const dimensions: Filters = { ...f, from: undefined, to: undefined }; // the periods are w's
  // The trend: DSO at the end of each bucket over the window's length before it (the last
  // point is the headline). Every trailing window starts at or after previousFrom.
  // The receivables summed per (day of issue, day the row starts to count: both its times
  // passed, invoice or not) first — a few thousand groups — then every figure from those:
  // the window's bounds and the buckets' ends are midnights, so a day is wholly in or out.
  // The trend's days come as sumMap arrays (days in order, zero sums left out), summed per
  // bucket below.
  const buckets = bucketEnds(w);
  const [P, F, T] = [sql`toDate(${w.previousFromDate})`, sql`toDate(${w.fromDate})`, sql`toDate(${w.toDate})`];
  return queryPart({
    sql: sql`SELECT
        sumMapIf([d_at], [v], inv AND d_at >= ${P} AND d_at < ${T}) AS billed_days,
        sumMapIf([d_at], [c], inv AND d_at >= ${P} AND d_at < ${T}) AS n_days,
        sumMapIf([d_open], [if(inv, v, -v)], d_open < ${T}) AS open_days,
        sumIf(v, inv AND d_at >= ${F} AND d_at < ${T}) AS billed_cur,
        sumIf(v, inv AND d_at >= ${P} AND d_at < ${F}) AS billed_prev,
        sumIf(c, inv AND d_at >= ${F} AND d_at < ${T}) AS n,
        sumIf(c, inv AND d_at >= ${P} AND d_at < ${F}) AS n_prev,
        sumIf(if(inv, v, -v), d_open < ${T}) AS open_cur,
        sumIf(if(inv, v, -v), d_open < ${F}) AS open_prev
      FROM (SELECT toDate(at) AS d_at, toDate(greatest(at, anchor)) AS d_open, detail = 'invoice' AS inv, sum(toFloat64(value)) AS v, count() AS c
        FROM ${findings('receivables', { filters: dimensions, now, aggregate: true, openFrom: w.previousFromDate })}
        GROUP BY d_at, d_open, inv)`,
    schema: z.object({
      billed_cur: num, billed_prev: num, n: num, n_prev: num, open_cur: num, open_prev: num,
      billed_days: daySums, n_days: daySums, open_days: daySums,
    }),
    then: (rows): { cur: number | null; prev: number | null; n: number; nPrev: number; trend: Kpi['trend'] } => {
      const r = rows[0];
      if (!r) return { cur: null, prev: null, n: 0, nPrev: 0, trend: [] };
      const dso = (open: number, billed: number) => (billed > 0 ? (open / billed) * w.days : null);
      const sum = ([days, values]: [string[], number[]], from: string, to: string) => days.reduce((t, d, i) => (d >= from && d < to ? t + values[i] : t), 0);
      return {
        cur: dso(r.open_cur, r.billed_cur),
        prev: dso(r.open_prev, r.billed_prev),
        n: r.n,
        nPrev: r.n_prev,
        trend: buckets.map((b) => {
          const end = day(b.end);
          const start = day(new Date(b.end.getTime() - w.days * DAY));
          return { bucket: b.bucket, value: round(dso(sum(r.open_days, '', end), sum(r.billed_days, start, end)), 2), n: sum(r.n_days, start, end) };
        }),
      };
    },
  });
}

export type { KpiId };
