'use client';
// A stuck-work queue as a table: search (customer or record key), sortable columns
// (keyboard-usable header buttons), cursor pagination, CSV export of the same query.
// Used by /stuck, /finance and /pmo; records link to the deal's journey.

import Link from 'next/link';
import { useState } from 'react';
import type { StuckRuleName } from '@/lib/stuck/rules';
import { formatCount, formatHours, formatMoney } from '@/lib/money/format';
import { queryString } from '@/app/_hooks/fetch-json';
import { useStuckItems } from '@/app/_hooks/use-views';
import { useFilters } from './filter-bar';
import styles from './views.module.css';
import { ExceptionState, StuckActions } from './stuck-actions';
import { BulkActions } from './bulk-actions';
import { AssigneeFilter, StateFilter, filterWords } from './assign';
import { FIRST_PAGE, STUCK_PAGE_SIZE, stuckTableParams, type StuckSort } from './stuck-table-params';
import { Updating } from './updating';
import { SearchBox } from './search-box';
import { Pager, useCursorPages } from './pager';
import { ExportCsv } from './export-csv';
import { stepLabel } from './journey-format';
import { RefreshFailed, loadError } from './refresh-failed';

const COLUMNS: { key: StuckSort | null; label: string; num?: boolean; title?: string }[] = [
  { key: null, label: 'Record' },
  { key: 'customer', label: 'Customer' },
  { key: 'since', label: 'Since' },
  { key: 'late', label: 'How late', num: true },
  { key: 'value', label: 'Value', num: true },
  // the deal's, not the record's (the record's is the event that started its clock): a payment
  // still unapplied beside 'cash.applied' is a deal whose later payment was applied
  { key: null, label: 'Deal’s last event', title: 'The latest event of the deal this record belongs to (hover a cell for when)' },
  { key: null, label: 'State' },
  { key: null, label: 'Actions' },
];

export function StuckTable({ rules, testId, pageSize = STUCK_PAGE_SIZE, showRule = false, initialAssignee = '' }: { rules: StuckRuleName[]; testId: string; pageSize?: number; showRule?: boolean; initialAssignee?: string }) {
  const filters = useFilters();
  const [q, setQ] = useState('');
  const [assignee, setAssignee] = useState(initialAssignee);
  const [state, setState] = useState('');
  // starts as FIRST_PAGE: the pages that render a table's first page on the server ask for that
  const [sort, setSort] = useState<StuckSort>(FIRST_PAGE.sort);
  const [dir, setDir] = useState<'asc' | 'desc'>(FIRST_PAGE.dir);
  const params = stuckTableParams(filters, rules, pageSize, { q, assignee, state, sort, dir });
  // a new filter, search or sort starts from the first page
  const pages = useCursorPages(JSON.stringify(params));
  const items = useStuckItems({ ...params, cursor: pages.cursor });
  const { data, isLoading, isFetching } = items;
  const error = loadError(items);


  function sortBy(k: StuckSort) {
    if (k === sort) setDir(dir === 'desc' ? 'asc' : 'desc');
    else {
      setSort(k);
      setDir(k === 'customer' ? 'asc' : 'desc');
    }
  }

  return (
    <div data-testid={testId}>
      <div className="toolbar">
        <SearchBox
          placeholder="Search customer or record key (INV-…, MS-…)"
          label="Search this queue"
          testId={`${testId}-search`}
          onSearch={setQ}
        />
        <AssigneeFilter value={assignee} onChange={setAssignee} testId={`${testId}-assignee`} />
        <StateFilter value={state} onChange={setState} testId={`${testId}-state`} />
        <span className="muted">{data ? `${formatCount(data.total)} item${data.total === 1 ? '' : 's'}` : ''}</span>
        <Updating active={isFetching && !isLoading} />
        {data && <BulkActions items={data.items} />}
        <ExportCsv href={`/api/stuck${queryString({ ...params, format: 'csv' })}`} testId={`${testId}-csv`} />
      </div>
      <RefreshFailed query={items} what="the queue" />
      {error ? (
        <div className="error">Could not load the queue: {error.message}</div>
      ) : isLoading ? (
        <div className="loading">Loading…</div>
      ) : !data || data.items.length === 0 ? (
        <div className="empty" data-testid={`${testId}-empty`}>Nothing stuck here{q ? ` matching “${q}”` : ''}{filterWords({ assignee, state })}.</div>
      ) : (
        <table className="data" data-testid={`${testId}-table`}>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.label} className={c.num ? 'num' : undefined} title={c.title} aria-sort={c.key === sort ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                  {c.key ? (
                    <button type="button" className={styles.sort} onClick={() => sortBy(c.key!)} data-testid={`${testId}-sort-${c.key}`}>
                      {c.label} {c.key === sort ? (dir === 'asc' ? '▲' : '▼') : ''}
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.items.map((i) => (
              <tr key={i.id} data-testid="stuck-row" data-value={i.value}>
                {/* a long record key wraps rather than push the actions out of the card; a
                    table of several queues names each row's queue above its record */}
                <td className="wrap">
                  {showRule && (
                    <span className={`badge ${styles.queue}`} data-testid="stuck-row-queue">
                      {i.rule}
                    </span>
                  )}
                  <Link href={`/deals/${encodeURIComponent(i.correlation_id)}`} className="mono" data-testid="stuck-record-link">
                    {i.entity_key}
                  </Link>
                </td>
                <td className="name">{i.customer || <span className="muted">—</span>}</td>
                <td title={i.since}>{i.since.slice(0, 10)}</td>
                <td className="num">
                  <span className={`badge ${i.late_hours > 24 * 30 ? 'bad' : 'warn'}`}>{formatHours(i.late_hours)}</span>
                </td>
                <td className="num" title={`${formatMoney(i.value, data.reporting_currency)} in ${data.reporting_currency}`}>
                  {formatMoney(i.amount, i.currency)}
                </td>
                <td className="muted breakable" data-testid="stuck-last-event" title={i.last_event_at ? `${i.last_event_type} at ${i.last_event_at.slice(0, 16).replace('T', ' ')} UTC` : undefined}>{stepLabel(i.last_event_type)}</td>
                <td className="breakable">
                  <ExceptionState item={i} />
                </td>
                <td className={styles.actions}>
                  <StuckActions item={i} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pages={pages} data={data} testId={`${testId}-pager`} noun={data?.total === 1 ? 'item' : 'items'} />
    </div>
  );
}
