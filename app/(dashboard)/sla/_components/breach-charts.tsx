'use client';
// Breaches over time (stacked by policy) and by one dimension.

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { inSeriesOrder } from '@/app/_components/chart-order';
import type { SlaBreachesResponse } from '@/lib/contracts/sla';
import { NO_VALUE } from '@/lib/queries/filters';
import styles from '@/app/_components/views.module.css';

const COLORS = ['#2f6fed', '#d64545', '#c98a06', '#1f9d55', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569'];

export function BreachesOverTime({ data }: { data: SlaBreachesResponse }) {
  const weeks = [...new Set(data.series.map((s) => s.week))].sort();
  const ids = data.policies.map((p) => p.policy_id);
  const rows = weeks.map((w) => Object.fromEntries([['week', w], ...ids.map((id) => [id, data.series.find((s) => s.week === w && s.policy_id === id)?.breaches ?? 0])]));
  if (rows.length === 0) return <div className="empty">No breaches in this window.</div>;
  return (
    <div className={styles.chart} data-testid="breaches-over-time">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="week" tick={{ fontSize: 11 }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={36} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 11 }} itemSorter={inSeriesOrder(ids)} />
          {ids.map((id, i) => <Bar key={id} dataKey={id} stackId="a" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />)}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function BreachesByDimension({ data }: { data: SlaBreachesResponse }) {
  const rows = data.by_dimension.slice(0, 12).map((d) => ({ ...d, value: d.value || NO_VALUE, met: d.evaluated - d.breaches }));
  if (rows.length === 0) return <div className="empty">Nothing evaluated yet.</div>;
  return (
    <div className={styles.chart} data-testid="breaches-by-dimension">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} layout="vertical">
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11 }} />
          <YAxis type="category" dataKey="value" width={140} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 11 }} itemSorter={inSeriesOrder(['breaches', 'met'])} />
          <Bar dataKey="breaches" name="Breached" stackId="a" fill="#d64545" isAnimationActive={false} />
          <Bar dataKey="met" name="Met" stackId="a" fill="#1f9d55" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
