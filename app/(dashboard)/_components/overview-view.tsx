'use client';
// The executive overview: KPI tiles, cash waterfall, leakage and SLA compliance in money
// and share, and breakdowns by dimension — all following the shared filter bar.

import Link from 'next/link';
import { useState } from 'react';
import { DIMENSIONS, type Dimension } from '@/lib/events/catalogue';
import { formatCount, formatHours, formatMoney, formatPercent } from '@/lib/money/format';
import { NO_VALUE } from '@/lib/queries/filters';
import { FilterBar, useFilters } from '@/app/_components/filter-bar';
import { useKpis, useLeakage, useSlaBreaches, useStuckSummary } from '@/app/_hooks/use-views';
import styles from '@/app/_components/views.module.css';
import { KpiTile } from './kpi-tile';
import { BreakdownChart, WaterfallChart } from './overview-charts';
import { Updating } from '@/app/_components/updating';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

/** A tile's figure: the value, '…' while it loads, or 'unavailable' (with the reason on hover) when its query failed. */
function figure<T>(q: { data?: T; error: Error | null }, show: (d: T) => string) {
  if (q.data !== undefined) return show(q.data);
  if (q.error) return <span title={q.error.message}>unavailable</span>;
  return '…';
}

const DIM_LABEL: Record<Dimension, string> = { customer: 'Customer', region: 'Region', practice: 'Practice', legal_entity: 'Legal entity', billing_model: 'Billing model' };

export function OverviewView() {
  const filters = useFilters();
  const kpis = useKpis(filters);
  const leakage = useLeakage({ ...filters, limit: 1 });
  const sla = useSlaBreaches({ ...filters, limit: 1 });
  const stuck = useStuckSummary(filters);
  const [dim, setDim] = useState<Dimension>('region');
  const cur = kpis.data?.reporting_currency ?? 'EUR';
  const options = kpis.data ? Object.fromEntries(DIMENSIONS.map((d) => [d, kpis.data.breakdowns[d].map((b) => b.value).filter(Boolean)])) : {};
  const stuckMoney = stuck.data?.queues.reduce((s, q) => s + q.value, 0) ?? null;
  const stuckCount = stuck.data?.queues.reduce((s, q) => s + q.count, 0) ?? null;
  const stuckQueues = stuck.data?.queues.filter((q) => q.count > 0).length ?? 0;

  return (
    <div>
      <div className={styles.head}>
        <div>
          <h1>Executive overview</h1>
          <p className="subtitle">
            Are bookings turning into cash on time?{' '}
            {kpis.data && <span>Window {kpis.data.window.from} → {kpis.data.window.to}, compared with the previous {kpis.data.window.bucket === 'day' ? 'days' : 'weeks'}; money in {cur}.</span>}
          </p>
        </div>
        <Updating active={kpis.isFetching && !kpis.isLoading} />
      </div>
      <FilterBar options={options} />
      {kpis.data && kpis.data.unpriced_currencies.length > 0 && (
        <p className="error" role="alert" data-testid="unpriced-currencies">
          No exchange rate for {kpis.data.unpriced_currencies.join(', ')}: {kpis.data.unpriced_currencies.length === 1 ? 'its amounts count' : 'their amounts count'} 1:1 as {cur} in every total. An administrator sets a rate on the admin page (Settings in force), or with CASHTRACE_FX_RATES (e.g. {kpis.data.unpriced_currencies[0]}=0.61).
        </p>
      )}

      <div className="grid cols-4" style={{ marginBottom: 16 }}>
        <Link href="/leakage" prefetch={false} className={`tile ${styles.tileLink}`} data-testid="tile-leakage">
          <div className="label">Revenue leakage</div>
          <div className="value">{figure(leakage, (d) => formatMoney(d.total, cur, { compact: true }))}</div>
          <div className="sub">unbilled work, changes, mismatches, credits, overdue cash</div>
        </Link>
        <Link href="/sla" prefetch={false} className={`tile ${styles.tileLink}`} data-testid="tile-sla">
          <div className="label">SLA compliance</div>
          <div className="value">{figure(sla, (d) => formatPercent(d.compliance))}</div>
          <div className="sub">{sla.data ? `${formatCount(sla.data.total)} breaches, ${formatCount(sla.data.policies.reduce((s, p) => s + p.open_breaches, 0))} still open` : ''}</div>
        </Link>
        <Link href="/stuck" prefetch={false} className={`tile ${styles.tileLink}`} data-testid="tile-stuck">
          <div className="label">Stuck work</div>
          <div className="value">{figure(stuck, () => formatMoney(stuckMoney ?? 0, cur, { compact: true }))}</div>
          <div className="sub">{stuckCount !== null ? `${formatCount(stuckCount)} items${stuckQueues > 1 ? ` across ${stuckQueues} queues` : stuckQueues === 1 ? ' in 1 queue' : ''}` : ''}</div>
        </Link>
        <div className="tile" data-testid="tile-collected">
          <div className="label">Collected / booked</div>
          <div className="value">
            {kpis.data ? formatPercent(kpis.data.waterfall[0].value ? kpis.data.waterfall[4].value / kpis.data.waterfall[0].value : null) : '…'}
          </div>
          <div className="sub">{kpis.data ? `${formatMoney(kpis.data.waterfall[4].value, cur, { compact: true })} of ${formatMoney(kpis.data.waterfall[0].value, cur, { compact: true })}` : ''}</div>
        </div>
      </div>

      <RefreshFailed query={kpis} what="the KPIs" />
      {loadError(kpis) ? (
        <div className="error">Could not load the KPIs: {loadError(kpis)?.message}</div>
      ) : kpis.isLoading || !kpis.data ? (
        <div className="loading">Loading KPIs…</div>
      ) : (
        <>
          <div className={styles.tiles} data-testid="kpi-tiles">
            {kpis.data.kpis.map((k) => (
              <KpiTile key={k.id} k={k} />
            ))}
          </div>
          <div className={styles.two}>
            <section className="panel">
              <h2 className={styles.sectionTitle}>Cash waterfall</h2>
              <p className="muted" style={{ marginTop: -6, fontSize: 12 }}>Deals booked in the window: how far their money has travelled. Delivered: milestones, approved time and expenses; a retainer’s months as they are billed.</p>
              <WaterfallChart data={kpis.data.waterfall} currency={cur} />
            </section>
            <section className="panel">
              <div className="toolbar" style={{ justifyContent: 'space-between' }}>
                <h2 className={styles.sectionTitle} style={{ margin: 0 }}>Breakdown</h2>
                <select value={dim} onChange={(e) => setDim(e.target.value as Dimension)} aria-label="Break down by" data-testid="breakdown-dimension">
                  {DIMENSIONS.map((d) => (
                    <option key={d} value={d}>by {DIM_LABEL[d]}</option>
                  ))}
                </select>
              </div>
              {kpis.data.breakdowns[dim].length === 0 ? <div className="empty">No deals booked in this window.</div> : <BreakdownChart rows={kpis.data.breakdowns[dim]} currency={cur} />}
            </section>
          </div>
          <section className="panel">
            <h2 className={styles.sectionTitle}>By {DIM_LABEL[dim].toLowerCase()}</h2>
            <table className="data" data-testid="breakdown-table">
              <thead>
                <tr><th>{DIM_LABEL[dim]}</th><th className="num">Deals</th><th className="num">Booked</th><th className="num">Invoiced</th><th className="num">Collected</th><th className="num">Quote→cash p50</th></tr>
              </thead>
              <tbody>
                {kpis.data.breakdowns[dim].map((b) => (
                  <tr key={b.value}>
                    <td>{b.value || <span className="muted">{NO_VALUE}</span>}</td>
                    <td className="num">{formatCount(b.deals)}</td>
                    <td className="num">{formatMoney(b.booked, cur)}</td>
                    <td className="num">{formatMoney(b.invoiced, cur)}</td>
                    <td className="num">{formatMoney(b.collected, cur)}</td>
                    <td className="num">{b.quote_to_cash_p50 === null ? '—' : formatHours(b.quote_to_cash_p50 * 24)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </div>
  );
}
