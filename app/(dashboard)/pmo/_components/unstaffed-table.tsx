'use client';
// PMO's unstaffed projects: provisioned, nobody assigned after 2 business days, biggest
// contract first; how many, a page at a time, exported whole as CSV; each with the exception
// workflow's state and actions (re-sync the staffing from the PSA, acknowledge, snooze,
// resolve), as a stuck queue's rows.

import Link from 'next/link';
import { useState } from 'react';
import { Pager, useCursorPages } from '@/app/_components/pager';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useFilters } from '@/app/_components/filter-bar';
import { Updating } from '@/app/_components/updating';
import { SearchBox } from '@/app/_components/search-box';
import { fetchJson, queryString } from '@/app/_hooks/fetch-json';
import { UNSTAFFED_PAGE_SIZE, unstaffedResponseSchema } from '@/lib/contracts/pmo';
import { formatCount, formatHours, formatMoney } from '@/lib/money/format';
import styles from '@/app/_components/views.module.css';
import { ExportCsv } from '@/app/_components/export-csv';
import { ExceptionState, StuckActions } from '@/app/_components/stuck-actions';
import { AssigneeFilter, StateFilter, filterWords } from '@/app/_components/assign';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

export function UnstaffedTable() {
  const filters = useFilters();
  const [q, setQ] = useState('');
  const [assignee, setAssignee] = useState('');
  const [state, setState] = useState('');
  const scope = { ...filters, q: q || undefined, assignee: assignee || undefined, state: state || undefined };
  // pages by cursor within one scope; new filters or a new search start from the first page
  const pages = useCursorPages(queryString(scope));
  const qs = queryString({ ...scope, limit: UNSTAFFED_PAGE_SIZE, cursor: pages.cursor });
  const projects = useQuery({
    queryKey: ['unstaffed', qs],
    queryFn: ({ signal }) => fetchJson(`/api/pmo/unstaffed${qs}`, unstaffedResponseSchema, signal),
    placeholderData: keepPreviousData,
  });
  const { data, isLoading, isFetching } = projects;
  const error = loadError(projects);
  return (
    <div>
      <div className="toolbar">
        <SearchBox placeholder="Search customer or project (PRJ-…)" label="Search unstaffed projects" testId="unstaffed-search" onSearch={setQ} />
        <AssigneeFilter value={assignee} onChange={setAssignee} testId="unstaffed-assignee" />
        <StateFilter value={state} onChange={setState} testId="unstaffed-state" />
        <span className="muted" data-testid="unstaffed-count">
          {data ? `${formatCount(data.total)} project${data.total === 1 ? '' : 's'}` : ''}
        </span>
        <Updating active={isFetching && !isLoading} />
        <ExportCsv href={`/api/pmo/unstaffed${queryString({ ...scope, format: 'csv' })}`} testId="unstaffed-csv" />
      </div>
      <RefreshFailed query={projects} what="the unstaffed projects" />
      {error ? (
        <div className="error">Could not load unstaffed projects: {error.message}</div>
      ) : isLoading || !data ? (
        <div className="loading">Loading…</div>
      ) : data.items.length === 0 && pages.page > 0 ? (
        <div className="empty">
          No project on this page any more (the list is shorter now).{' '}
          <button type="button" className={styles.button} onClick={pages.first}>
            First page
          </button>
        </div>
      ) : data.items.length === 0 ? (
        <div className="empty" data-testid="unstaffed-empty">{q || assignee || state ? `No unstaffed project${q ? ` matching “${q}”` : ''}${filterWords({ assignee, state })}.` : 'Every provisioned project has someone on it.'}</div>
      ) : (
        <table className="data" data-testid="unstaffed-table">
          <thead>
            <tr><th>Project</th><th>Customer</th><th>Provisioned</th><th className="num">How late</th><th className="num">Contract value</th><th>State</th><th>Actions</th></tr>
          </thead>
          <tbody>
            {data.items.map((i) => (
              <tr key={i.entity_key} data-testid="unstaffed-row">
                <td><Link className="mono" href={`/deals/${encodeURIComponent(i.correlation_id)}`}>{i.entity_key}</Link></td>
                <td className="name">{i.customer || <span className="muted">—</span>}</td>
                <td title={i.since}>{i.since.slice(0, 10)}</td>
                <td className="num"><span className={`badge ${i.late_hours > 24 * 30 ? 'bad' : 'warn'}`}>{formatHours(i.late_hours)}</span></td>
                <td className="num">{formatMoney(i.amount, i.currency)}</td>
                <td data-testid="unstaffed-state">
                  <ExceptionState item={i} />
                </td>
                <td>
                  <StuckActions item={i} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && data.items.length > 0 && <Pager pages={pages} data={data} testId="unstaffed-pager" noun={data.total === 1 ? 'project' : 'projects'} />}
    </div>
  );
}
