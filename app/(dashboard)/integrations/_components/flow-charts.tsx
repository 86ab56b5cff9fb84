'use client';
// Throughput and error rate per flow over time (recharts), from the flows trend.

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { inSeriesOrder } from '@/app/_components/chart-order';
import type { FlowTrendRow } from '@/lib/contracts/integrations';
import { flowLabel } from './format';
import styles from './integrations.module.css';

const COLORS = ['#2f6fed', '#d64545', '#1f9d55', '#c98a06', '#7c3aed', '#0ea5e9', '#db2777', '#64748b'];
const MAX_SERIES = 8;

/** One row per bucket; a flow without runs in a bucket gets `missing` (0 runs, no rate). */
function pivot(trend: FlowTrendRow[], flows: string[], value: (t: FlowTrendRow) => number | null, missing: number | null) {
  const rows = new Map<string, Record<string, number | string | null>>();
  for (const b of new Set(trend.map((t) => t.bucket))) rows.set(b, Object.fromEntries([['bucket', b], ...flows.map((f) => [f, missing])]));
  for (const t of trend) {
    const name = flowLabel(t);
    if (!flows.includes(name)) continue;
    const row = rows.get(t.bucket)!;
    row[name] = value(t);
    rows.set(t.bucket, row);
  }
  return [...rows.values()].sort((a, b) => String(a.bucket).localeCompare(String(b.bucket)));
}

export function FlowCharts({ trend, bucket }: { trend: FlowTrendRow[]; bucket: 'hour' | 'day' }) {
  // The busiest flows get a line each; the chart stays readable with many flows.
  const volume = new Map<string, number>();
  for (const t of trend) volume.set(flowLabel(t), (volume.get(flowLabel(t)) ?? 0) + t.runs);
  const flows = [...volume.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_SERIES).map(([k]) => k);
  const runs = pivot(trend, flows, (t) => t.runs, 0);
  const errors = pivot(trend, flows, (t) => (t.runs > 0 ? Math.round((t.failures / t.runs) * 1000) / 10 : null), null);
  const tick = (v: string) => (bucket === 'hour' ? v.slice(11, 16) : v.slice(5, 10));
  const label = (v: unknown) => (bucket === 'hour' ? String(v).slice(0, 16).replace('T', ' ') : String(v).slice(0, 10));

  const chart = (data: typeof runs, unit: string, testId: string, title: string) => (
    <div data-testid={testId}>
      <div className={styles.chartTitle}>{title}</div>
      <div className={styles.chart}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#eef1f5" vertical={false} />
            <XAxis dataKey="bucket" tickFormatter={tick} fontSize={11} minTickGap={24} />
            <YAxis fontSize={11} width={44} unit={unit} allowDecimals={unit === '%'} />
            <Tooltip labelFormatter={label} formatter={(v) => `${v}${unit}`} />
            <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={inSeriesOrder(flows)} />
            {flows.map((f, i) => (
              <Line key={f} type="monotone" dataKey={f} stroke={COLORS[i % COLORS.length]} dot={data.length < 40} strokeWidth={1.8} connectNulls={unit === '%'} isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </div>
  );

  if (trend.length === 0) return null;
  return (
    <div className={styles.charts}>
      {chart(runs, '', 'chart-throughput', `Runs per ${bucket}`)}
      {chart(errors, '%', 'chart-error-rate', `Error rate per ${bucket}`)}
    </div>
  );
}
