'use client';
// The audit trail viewer: filter by actor, action, outcome, target and dates, newest first,
// a page at a time (Previous / Next, 25 to 200 entries a page, back to the first page when a
// filter or the page size changes); CSV export of the same filter.

import { useState } from 'react';
import { useAudit } from './use-admin';
import styles from './admin.module.css';
import { ExportCsv } from '@/app/_components/export-csv';
import { Pager, useCursorPages } from '@/app/_components/pager';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

const EMPTY = { actor: '', action: '', outcome: '', target: '', from: '', to: '' };
/** Entries on a page of the viewer, at first; the sizes a user may choose. */
export const AUDIT_PAGE_SIZE = 200;
const PAGE_SIZES = [25, 50, 100, 200];

export function AuditPanel() {
  const [f, setF] = useState(EMPTY);
  const [pageSize, setPageSize] = useState(AUDIT_PAGE_SIZE);
  const pages = useCursorPages(`${JSON.stringify(f)}:${pageSize}`);
  const audit = useAudit({ ...f, limit: String(pageSize), cursor: pages.cursor ?? '' });
  const csv = `/api/audit?${new URLSearchParams(Object.entries({ ...f, format: 'csv' }).filter(([, v]) => v)).toString()}`;
  const field = (k: keyof typeof EMPTY, label: string, type = 'text') => (
    <label>
      {label}
      <input type={type} value={f[k]} onChange={(e) => setF({ ...f, [k]: e.target.value })} data-testid={`audit-filter-${k}`} />
    </label>
  );
  return (
    <section className="panel" data-testid="audit-panel">
      <h2>Audit trail</h2>
      <div className={styles.form}>
        {field('actor', 'who')}
        {field('action', 'what (prefix, e.g. action.)')}
        {field('outcome', 'outcome')}
        {field('target', 'target contains')}
        {field('from', 'from', 'date')}
        {field('to', 'to', 'date')}
        <label>
          per page
          <select value={pageSize} onChange={(e) => setPageSize(Number(e.target.value))} data-testid="audit-page-size">
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <ExportCsv className={styles.btn} href={csv} testId="audit-csv" />
      </div>
      <RefreshFailed query={audit} what="the audit trail" />
      {audit.isLoading ? (
        <div className="loading">Loading…</div>
      ) : loadError(audit) ? (
        <div className="error">Could not load the audit trail: {loadError(audit)?.message}</div>
      ) : audit.data!.entries.length === 0 ? (
        <div className="empty">Nothing matches.</div>
      ) : (
        <table className="data" data-testid="audit-table">
          <thead>
            <tr>
              <th>when</th>
              <th>who</th>
              <th>what</th>
              <th>target</th>
              <th>why</th>
              <th>outcome</th>
              <th>details</th>
            </tr>
          </thead>
          <tbody>
            {audit.data!.entries.map((e) => (
              <tr key={e.id} data-id={e.id} data-at={e.at}>
                <td className="mono">{e.at.replace('T', ' ').slice(0, 19)}</td>
                <td>
                  {e.actor_name} <span className="muted">({[e.actor_role, e.via].filter(Boolean).join(', ')})</span>
                </td>
                <td className="mono">{e.action}</td>
                <td className="mono">{e.target}</td>
                <td className="wrap">{e.reason}</td>
                <td>
                  <span className={`badge ${e.outcome === 'ok' || e.outcome === 'verified' ? 'ok' : e.outcome === 'requested' ? 'warn' : 'bad'}`}>{e.outcome}</span>
                </td>
                <td className="mono muted wrap">{e.details}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pages={pages} data={audit.data} testId="audit-pager" />
    </section>
  );
}
