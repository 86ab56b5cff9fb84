'use client';
// Who holds the stuck work (GET /api/stuck/workload): per assignee — and nobody — the items of
// every queue assigned to them, the money at stake and how late the most overdue is, most
// money first; a name opens their items of every queue. A bar per holder: where the money sits.

import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { stuckWorkloadResponseSchema } from '@/lib/contracts/stuck';
import { UNASSIGNED } from '@/lib/contracts/actions';
import { formatCount, formatHours, formatMoney } from '@/lib/money/format';
import { fetchJson, queryString } from '@/app/_hooks/fetch-json';
import { useFilters } from '@/app/_components/filter-bar';
import { ExportCsv } from '@/app/_components/export-csv';
import styles from '@/app/_components/views.module.css';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

export function Workload({ selected, onSelect }: { selected: string; onSelect: (assignee: string) => void }) {
  const filters = useFilters();
  const qs = queryString(filters);
  const workload = useQuery({
    queryKey: ['stuck-workload', qs],
    queryFn: ({ signal }) => fetchJson(`/api/stuck/workload${qs}`, stuckWorkloadResponseSchema, signal),
    placeholderData: keepPreviousData,
  });
  const error = loadError(workload);
  if (error) return <div className="error">Could not load who holds the stuck work: {error.message}</div>;
  const { data } = workload;
  if (!data) return null;
  const max = Math.max(1, ...data.rows.map((r) => r.value));
  return (
    <section className="panel" data-testid="workload">
      <RefreshFailed query={workload} what="who holds the stuck work" />
      <div className="toolbar">
        <h2 className={styles.sectionTitle} style={{ margin: 0 }}>
          Who holds the stuck work <span className="muted" style={{ fontWeight: 400 }}>· every queue, by assignee</span>
        </h2>
        <ExportCsv href={`/api/stuck/workload${queryString({ ...filters, format: 'csv' })}`} testId="workload-csv" />
      </div>
      <table className="data">
        <thead>
          <tr>
            <th>Assigned to</th>
            <th className="num">Items</th>
            <th className="num">Money at stake</th>
            <th style={{ width: '30%' }} aria-label="Share of the money" />
            <th className="num">Most overdue</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.map((r) => {
            const key = r.assignee || UNASSIGNED;
            return (
              <tr key={key} data-testid="workload-row" data-assignee={key} aria-selected={selected === key}>
                <td>
                  <button type="button" className={styles.sort} onClick={() => onSelect(key)} data-testid="workload-holder">
                    {r.assignee || 'Nobody'}
                  </button>
                </td>
                <td className="num">{formatCount(r.items)}</td>
                <td className="num">{formatMoney(r.value, data.reporting_currency)}</td>
                <td>
                  <div style={{ height: 10, width: `${(100 * r.value) / max}%`, background: r.assignee ? '#2563eb' : '#cbd5e1', borderRadius: 2 }} />
                </td>
                <td className="num">{formatHours(r.max_late_hours)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
