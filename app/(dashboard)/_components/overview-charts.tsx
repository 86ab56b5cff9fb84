'use client';
// Charts of the overview: the cash waterfall (booked → collected) and a breakdown by one
// dimension, both in the reporting currency.

import { Bar, BarChart, CartesianGrid, Cell, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { inSeriesOrder } from '@/app/_components/chart-order';
import type { KpisResponse } from '@/lib/contracts/kpis';
import { formatMoney } from '@/lib/money/format';
import { NO_VALUE } from '@/lib/queries/filters';
import styles from '@/app/_components/views.module.css';

const BREAKDOWN_ORDER = inSeriesOrder(['booked', 'invoiced', 'collected']);

const STAGE_COLORS = ['#1e3a8a', '#2f6fed', '#5b8def', '#8fb0f5', '#1f9d55'];

export function WaterfallChart({ data, currency }: { data: KpisResponse['waterfall']; currency: string }) {
  return (
    <div className={styles.chart} data-testid="waterfall-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="stage" tick={{ fontSize: 12 }} />
          <YAxis tickFormatter={(v: number) => formatMoney(v, currency, { compact: true })} tick={{ fontSize: 11 }} width={70} />
          <Tooltip formatter={(v) => formatMoney(Number(v), currency)} />
          <Bar dataKey="value" name={`Value (${currency})`} isAnimationActive={false}>
            {data.map((d, i) => (
              <Cell key={d.stage} fill={STAGE_COLORS[i % STAGE_COLORS.length]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function BreakdownChart({ rows, currency }: { rows: KpisResponse['breakdowns'][keyof KpisResponse['breakdowns']]; currency: string }) {
  // deals that carry no value of the dimension: named as the table and the filter name them, not a blank label
  const data = rows.map((r) => ({ ...r, value: r.value || NO_VALUE }));
  return (
    <div className={styles.chart} data-testid="breakdown-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tickFormatter={(v: number) => formatMoney(v, currency, { compact: true })} tick={{ fontSize: 11 }} />
          <YAxis type="category" dataKey="value" width={120} tick={{ fontSize: 11, className: 'breakdown-category' }} />
          <Tooltip formatter={(v) => formatMoney(Number(v), currency)} />
          <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={BREAKDOWN_ORDER} />
          <Bar dataKey="booked" name="Booked" fill="#1e3a8a" isAnimationActive={false} />
          <Bar dataKey="invoiced" name="Invoiced" fill="#8fb0f5" isAnimationActive={false} />
          <Bar dataKey="collected" name="Collected" fill="#1f9d55" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
