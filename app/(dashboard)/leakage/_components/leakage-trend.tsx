'use client';
// Weekly leakage by category (stacked), in the reporting currency.

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { inSeriesOrder } from '@/app/_components/chart-order';
import type { LeakageResponse } from '@/lib/contracts/leakage';
import { formatMoney } from '@/lib/money/format';
import styles from '@/app/_components/views.module.css';

const COLORS = ['#2f6fed', '#c98a06', '#7c3aed', '#0891b2', '#d64545'];

export function LeakageTrend({ data }: { data: LeakageResponse }) {
  const weeks = [...new Set(data.categories.flatMap((c) => c.trend.map((t) => t.bucket)))].sort();
  const rows = weeks.map((w) => Object.fromEntries([['week', w], ...data.categories.map((c) => [c.category, c.trend.find((t) => t.bucket === w)?.value ?? 0])]));
  if (rows.length === 0) return <div className="empty">No leakage in this window.</div>;
  return (
    <div className={styles.chart} data-testid="leakage-trend">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="week" tick={{ fontSize: 11 }} />
          <YAxis tickFormatter={(v: number) => formatMoney(v, data.reporting_currency, { compact: true })} tick={{ fontSize: 11 }} width={70} />
          <Tooltip formatter={(v) => formatMoney(Number(v), data.reporting_currency)} />
          <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={inSeriesOrder(data.categories.map((c) => c.category))} />
          {data.categories.map((c, i) => (
            <Bar key={c.category} dataKey={c.category} name={c.label} stackId="a" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
