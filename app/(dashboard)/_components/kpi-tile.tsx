'use client';
// One KPI tile: value (p50 for durations), p90, target, change against the previous
// period (green when it moved the right way; none when the previous period holds too few
// measurements to compare) and a sparkline of the trend (hover: each point's period and n).

import { Line, LineChart, ResponsiveContainer, Tooltip, YAxis } from 'recharts';
import type { Kpi } from '@/lib/contracts/kpis';
import { formatPercent } from '@/lib/money/format';
import styles from '@/app/_components/views.module.css';

export function formatKpi(v: number | null, unit: Kpi['unit']): string {
  if (v === null) return '—';
  if (unit === 'share') return formatPercent(v);
  if (unit === 'days') return `${Math.round(v * 10) / 10} d`;
  return v >= 48 ? `${Math.round((v / 24) * 10) / 10} d` : `${Math.round(v * 10) / 10} h`;
}

export function KpiTile({ k }: { k: Kpi }) {
  const onTarget = k.value === null ? null : k.better === 'lower' ? k.value <= k.target : k.value >= k.target;
  const improved = k.change === null || k.change === 0 ? null : k.better === 'lower' ? k.change < 0 : k.change > 0;
  const data = k.trend.filter((t) => t.value !== null);
  return (
    <div className="tile" data-testid={`kpi-${k.id}`} title={k.description}>
      <div className="label">{k.label}</div>
      <div className="value">
        {formatKpi(k.value, k.unit)}
        {k.change !== null && k.change !== 0 && (
          <span className={`${styles.delta} ${improved ? styles.good : styles.badDelta}`} title={`against ${formatKpi(k.previous, k.unit)} over the previous period of the same length (n = ${k.previous_n})`}>
            {k.change > 0 ? '▲' : '▼'} {formatKpi(Math.abs(k.change), k.unit)}
          </span>
        )}
      </div>
      <div className="sub">
        {k.p90 !== null && <>p50 {formatKpi(k.p50, k.unit)} · p90 {formatKpi(k.p90, k.unit)} · </>}
        target {formatKpi(k.target, k.unit)}{' '}
        {onTarget !== null && <span className={`badge ${onTarget ? 'ok' : 'bad'}`}>{onTarget ? 'on target' : 'off target'}</span>}
      </div>
      <div className={styles.spark} aria-hidden>
        {data.length > 1 ? (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data}>
              <YAxis hide domain={['auto', 'auto']} />
              {/* each point with its period and how many measurements it holds: a spike of a
                  week with three measurements reads differently from one with three hundred */}
              <Tooltip
                cursor={false}
                wrapperStyle={{ fontSize: 11 }}
                labelFormatter={(_, items) => {
                  const t = items?.[0]?.payload as Kpi['trend'][number] | undefined;
                  return t ? `from ${t.bucket} · n = ${t.n}` : '';
                }}
                formatter={(v) => [formatKpi(Number(v), k.unit), k.label]}
              />
              <Line type="monotone" dataKey="value" stroke="#2f6fed" strokeWidth={1.5} dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        ) : (
          <span className="muted" style={{ fontSize: 11 }}>n = {k.n}</span>
        )}
      </div>
    </div>
  );
}
