'use client';
// PMO: which approved deals have no project yet (provisioning queue), and which projects
// have nobody staffed — ordered by contract value at risk.

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { FilterBar, useFilters } from '@/app/_components/filter-bar';
import { StuckTable } from '@/app/_components/stuck-table';
import { fetchJson, queryString } from '@/app/_hooks/fetch-json';
import { unstaffedResponseSchema } from '@/lib/queries/get-unstaffed-projects';
import { formatHours, formatMoney } from '@/lib/money/format';
import styles from '@/app/_components/views.module.css';
import { PMO_QUEUE } from './queue';

export function PmoView() {
  const filters = useFilters();
  const qs = queryString(filters);
  const unstaffed = useQuery({ queryKey: ['unstaffed', qs], queryFn: ({ signal }) => fetchJson(`/api/pmo/unstaffed${qs}`, unstaffedResponseSchema, signal) });
  return (
    <div>
      <h1>PMO</h1>
      <p className="subtitle">Won deals without a project, and projects without people — before the customer notices.</p>
      <FilterBar />
      <section className="panel">
        <h2 className={styles.sectionTitle}>Unprovisioned projects <span className="muted" style={{ fontWeight: 400 }}>· approved or signed, no project after 2 business days</span></h2>
        <StuckTable rules={PMO_QUEUE} testId="unprovisioned" />
      </section>
      <section className="panel" data-testid="unstaffed">
        <h2 className={styles.sectionTitle}>Unstaffed projects <span className="muted" style={{ fontWeight: 400 }}>· provisioned, nobody assigned after 2 business days</span></h2>
        {unstaffed.error ? (
          <div className="error">{unstaffed.error.message}</div>
        ) : unstaffed.isLoading || !unstaffed.data ? (
          <div className="loading">Loading…</div>
        ) : unstaffed.data.items.length === 0 ? (
          <div className="empty">Every provisioned project has someone on it.</div>
        ) : (
          <table className="data">
            <thead>
              <tr><th>Project</th><th>Customer</th><th>Provisioned</th><th className="num">How late</th><th className="num">Contract value</th></tr>
            </thead>
            <tbody>
              {unstaffed.data.items.map((i) => (
                <tr key={i.entity_key}>
                  <td><Link className="mono" href={`/deals/${encodeURIComponent(i.correlation_id)}`}>{i.entity_key}</Link></td>
                  <td className="name">{i.customer}</td>
                  <td>{i.since.slice(0, 10)}</td>
                  <td className="num"><span className="badge warn">{formatHours(i.late_hours)}</span></td>
                  <td className="num">{formatMoney(i.amount, i.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
