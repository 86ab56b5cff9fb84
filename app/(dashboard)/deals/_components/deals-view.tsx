'use client';
// The deals list: search box (any key or customer), stage filter, keyset-paginated table,
// refreshed live. Search, stage and path (a variant's deals, linked from /variants) live in
// the URL so a view can be shared.

import { useEffect, useState } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { PROGRESS_STAGES } from '@/lib/events/stages';
import { DEALS_PAGE_SIZE } from '@/lib/contracts/deals';
import { useDeals } from '@/app/_hooks/use-deals';
import { queryString } from '@/app/_hooks/fetch-json';
import { BILLING_MODEL_LABEL, STAGE_LABEL, stepLabel } from '@/app/_components/journey-format';
import { useUrlFilters } from './url-filters';
import { DealsTable } from './deals-table';
import styles from './deals.module.css';
import { Updating } from '@/app/_components/updating';
import { ExportCsv } from '@/app/_components/export-csv';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';


const FILTER_LABEL: Record<string, string> = { from: 'active from', to: 'active until', region: 'region', practice: 'practice', legal_entity: 'legal entity', customer: 'customer', billing_model: 'billing model' };

export function DealsView() {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useUrlFilters();
  const q = sp.get('q') ?? '';
  const stage = sp.get('stage') ?? '';
  const path = sp.get('path') ?? '';
  const [text, setText] = useState(q);
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];

  // Debounced: the URL (and the query) follow the search box 250 ms after typing stops.
  useEffect(() => {
    if (text === q) return;
    const t = setTimeout(() => setParam('q', text.trim()), 250);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  function setParam(key: string, value: string) {
    const next = new URLSearchParams(sp.toString());
    if (value) next.set(key, value);
    else next.delete(key);
    setCursors([]);
    router.replace(`${pathname}${next.size ? `?${next}` : ''}`, { scroll: false });
  }

  const deals = useDeals({ q: q || undefined, stage: stage || undefined, path: path || undefined, cursor, limit: DEALS_PAGE_SIZE, filters });
  const { data, isLoading, isFetching } = deals;
  const error = loadError(deals);

  return (
    <div>
      <div className={styles.head}>
        <div>
          <h1>Deals</h1>
          <p className="subtitle">Every engagement from won opportunity to applied cash. Search by any number you know.</p>
        </div>
        <Updating active={isFetching} />
      </div>
      <div className="toolbar">
        <input
          className={styles.search}
          type="search"
          placeholder="Opportunity, contract, project, invoice (INV-…), payment or customer"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label="Search deals"
          data-testid="deal-search"
          maxLength={200}
        />
        <select value={stage} onChange={(e) => setParam('stage', e.target.value)} aria-label="Stage" data-testid="stage-filter">
          <option value="">All stages</option>
          {PROGRESS_STAGES.map((s) => (
            <option key={s} value={s}>
              {STAGE_LABEL[s]}
            </option>
          ))}
        </select>
        <ExportCsv
          href={`/api/deals${queryString({ ...filters, q: q || undefined, stage: stage || undefined, path: path || undefined, format: 'csv' })}`}
          testId="deals-csv"
        />
        {(q || stage || path || Object.keys(filters).length > 0) && (
          <button type="button" onClick={() => { setText(''); router.replace(pathname); setCursors([]); }}>
            Clear
          </button>
        )}
      </div>
      {Object.keys(filters).length > 0 && (
        <p className={styles.pathFilter} data-testid="url-filters">
          <span className="muted">Only</span>
          {Object.entries(filters).map(([k, v]) => (
            <span key={k} className="badge">
              {FILTER_LABEL[k] ?? k}: {k === 'billing_model' ? (BILLING_MODEL_LABEL[v] ?? v) : v}
            </span>
          ))}
        </p>
      )}
      {path && (
        <p className={styles.pathFilter} data-testid="path-filter">
          <span className="muted">Deals whose path is exactly:</span> {path.split(',').map(stepLabel).join(' › ')}{' '}
          <button type="button" onClick={() => setParam('path', '')} data-testid="path-filter-remove">
            Any path
          </button>
        </p>
      )}
      <RefreshFailed query={deals} what="the deals" />
      <div className="panel" style={{ padding: 0 }}>
        {error ? (
          <div className="error" role="alert">Could not load deals: {error.message}</div>
        ) : isLoading || !data ? (
          <div className="loading" data-testid="deals-loading">Loading deals…</div>
        ) : data.deals.length === 0 ? (
          <div className="empty" data-testid="deals-empty">
            {q ? <>No deal has a key or customer matching “{q}”.</> : path || stage ? 'No deal matches these filters now.' : 'No deals yet. Events appear here as the collectors send them.'}
          </div>
        ) : (
          <DealsTable deals={data.deals} overdue={data.overdue} />
        )}
      </div>
      <div className={styles.pager}>
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))} data-testid="prev-page">
          ← Newer
        </button>
        <span className="muted">Page {cursors.length + 1}</span>
        <button
          type="button"
          disabled={!data?.next_cursor}
          onClick={() => data?.next_cursor && setCursors((c) => [...c, data.next_cursor!])}
          data-testid="next-page"
        >
          Older →
        </button>
      </div>
    </div>
  );
}
