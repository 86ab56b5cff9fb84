'use client';
// Leakage: each category in money (a card that filters the records), the weekly trend,
// overdue receivables by aging bucket, and the records behind every figure, each linking
// to its deal's journey.

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Pager, useCursorPages } from '@/app/_components/pager';
import { LEAKAGE_CATEGORIES, LEAKAGE_PAGE_SIZE, type LeakageCategory } from '@/lib/contracts/leakage';
import { formatCount, formatMoney } from '@/lib/money/format';
import { FilterBar, useFilters, useSetParams } from '@/app/_components/filter-bar';
import { queryString } from '@/app/_hooks/fetch-json';
import { useLeakage } from '@/app/_hooks/use-views';
import styles from '@/app/_components/views.module.css';
import { LeakageTrend } from './leakage-trend';
import { Updating } from '@/app/_components/updating';
import { ExportCsv } from '@/app/_components/export-csv';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

export function LeakageView() {
  const sp = useSearchParams();
  const setParams = useSetParams();
  const filters = useFilters();
  const c = sp.get('category') as LeakageCategory | null;
  const category = c && LEAKAGE_CATEGORIES.includes(c) ? c : undefined;
  const params = { ...filters, category, limit: LEAKAGE_PAGE_SIZE };
  // a new filter or category starts from the first page
  const pages = useCursorPages(JSON.stringify(params));
  const all = useLeakage({ ...filters, limit: 1 });
  const list = useLeakage({ ...params, cursor: pages.cursor });
  const cur = all.data?.reporting_currency ?? 'EUR';
  return (
    <div>
      <div className={styles.head}>
        <div>
          <h1>Revenue leakage</h1>
          <p className="subtitle">
            Money earned or owed but not billed or collected on time{all.data ? `: ${formatMoney(all.data.total, cur)} in total` : ''}.
          </p>
        </div>
        <Updating active={list.isFetching && !list.isLoading} />
      </div>
      <FilterBar />
      <RefreshFailed query={all} what="the leakage totals" />
      {loadError(all) ? (
        <div className="error">Could not load leakage: {loadError(all)?.message}</div>
      ) : !all.data ? (
        <div className="loading">Loading leakage…</div>
      ) : (
        <>
          <div className={styles.tiles}>
            {all.data.categories.map((x) => (
              <button
                key={x.category}
                type="button"
                className={`tile ${styles.queueCard}`}
                aria-pressed={x.category === category}
                data-testid={`leakage-${x.category}`}
                onClick={() => setParams({ category: x.category === category ? undefined : x.category })}
              >
                <div className="label">{x.label}</div>
                <div className="value">{formatMoney(x.value, cur, { compact: true })}</div>
                <div className="sub">{formatCount(x.count)} record{x.count === 1 ? '' : 's'}</div>
              </button>
            ))}
          </div>
          <div className={styles.two}>
            <section className="panel">
              <h2 className={styles.sectionTitle}>Trend by week</h2>
              <LeakageTrend data={all.data} />
            </section>
            <section className="panel">
              <h2 className={styles.sectionTitle}>Cash at risk by aging</h2>
              <table className="data" data-testid="leakage-aging">
                <thead><tr><th>Days overdue</th><th className="num">Invoices</th><th className="num">Open amount</th></tr></thead>
                <tbody>
                  {all.data.aging.map((a) => (
                    <tr key={a.bucket}><td>{a.bucket}</td><td className="num">{formatCount(a.count)}</td><td className="num">{formatMoney(a.value, cur)}</td></tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
        </>
      )}
      <section className="panel">
        <div className="toolbar" style={{ justifyContent: 'space-between' }}>
          <h2 className={styles.sectionTitle} style={{ margin: 0 }}>
            Records {category ? `· ${all.data?.categories.find((x) => x.category === category)?.label ?? ''}` : '· all categories'}
          </h2>
          <ExportCsv href={`/api/leakage${queryString({ ...params, format: 'csv' })}`} testId="leakage-csv" />
        </div>
        <RefreshFailed query={list} what="the records" />
        {loadError(list) ? (
          <div className="error">Could not load the records: {loadError(list)?.message}</div>
        ) : list.isLoading || !list.data ? (
          <div className="loading">Loading records…</div>
        ) : list.data.records.length === 0 ? (
          <div className="empty">No records.</div>
        ) : (
          <table className="data" data-testid="leakage-records">
            <thead>
              <tr><th>Category</th><th>Record</th><th>Customer</th><th>Date</th><th>Detail</th><th className="num">Amount</th><th className="num">{cur}</th></tr>
            </thead>
            <tbody>
              {list.data.records.map((r) => (
                <tr key={`${r.category}:${r.entity_key}`} data-testid="leakage-record">
                  <td><span className="badge">{r.category.replaceAll('_', ' ')}</span></td>
                  <td><Link className="mono" href={`/deals/${encodeURIComponent(r.correlation_id)}`} data-testid="leakage-record-link">{r.entity_key}</Link></td>
                  <td className="name">{r.customer}</td>
                  <td>{r.at.slice(0, 10)}</td>
                  <td className="muted breakable">{r.detail}</td>
                  <td className="num">{formatMoney(r.amount, r.currency)}</td>
                  <td className="num">{formatMoney(r.value, cur)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager pages={pages} data={list.data && { total: list.data.records_total, next_cursor: list.data.next_cursor }} testId="leakage-pager" noun="records" />
      </section>
    </div>
  );
}
