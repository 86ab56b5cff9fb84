'use client';
// The failing runs of the selected flow: record, deal link, error, attempt, dead-letter
// flag, recovery (when the same record next synced to the same target) and trace link; a
// failure still failing is retried from its row (a retry command to the flow's target, followed
// until the connector's sync event confirms it), for the roles that may.

import Link from 'next/link';
import { useState } from 'react';
import { csvHref, useFlowFailures } from './use-integrations';
import { dealHref, fmtSeconds, fmtTime, traceHref } from './format';
import { Pager, useCursorPages } from '@/app/_components/pager';
import styles from './integrations.module.css';
import { ExportCsv } from '@/app/_components/export-csv';
import { ActionButton } from '@/app/_components/action-button';
import { parseEntityKey } from '@/lib/events/entity-key';
import { SOURCES, type Source } from '@/lib/events/catalogue';
import { useQueryClient } from '@tanstack/react-query';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

const PAGE = 25;

export function FlowFailures({ flowSource, flowTarget, filters }: { flowSource: string; flowTarget: string; filters: Record<string, string> }) {
  const [openOnly, setOpenOnly] = useState(false);
  const pages = useCursorPages(`${flowSource}:${flowTarget}:${openOnly}:${JSON.stringify(filters)}`);
  const base = { ...filters, flow_source: flowSource, flow_target: flowTarget, status: openOnly ? 'open' : undefined };
  const failures = useFlowFailures({ ...base, limit: PAGE, cursor: pages.cursor }, true);
  const { data, isLoading } = failures;
  const error = loadError(failures);
  const qc = useQueryClient();
  // a retry's outcome (the record's next run) shows in the list and the flow table at once
  const refresh = () => void qc.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('flow') });
  /** A retry goes to a system the actions know, for a record named by its key (a span's record may be a trace or deal ID). */
  const target = (SOURCES as readonly string[]).includes(flowTarget) ? (flowTarget as Source) : null;

  return (
    <section className="panel" data-testid="flow-failures" aria-label={`Failures of ${flowSource} → ${flowTarget}`}>
      <div className={styles.panelHead}>
        <h2>
          Failures · {flowSource} <span className={styles.arrow}>→</span> {flowTarget}
        </h2>
        <div className={styles.actions}>
          <label className="muted">
            <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} data-testid="failures-open-only" /> still failing only
          </label>
          <ExportCsv href={csvHref('/api/flows/failures', base)} className="" testId="failures-csv" />
        </div>
      </div>
      {isLoading && <div className="loading">Loading failures…</div>}
      <RefreshFailed query={failures} what="the failing records" />
      {error && <div className="error">{error.message}</div>}
      {data && data.items.length === 0 && <div className="empty">{openOnly ? 'Every failure of this flow has recovered.' : 'No failed runs in this window.'}</div>}
      {data && data.items.length > 0 && (
        <div className={styles.tableWrap}>
          <table className="data">
            <thead>
              <tr>
                <th>Failed at</th>
                <th>Record</th>
                <th>Deal</th>
                <th>Error</th>
                <th className="num">Attempt</th>
                <th>Recovery</th>
                <th>Trace</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((f) => (
                <tr key={`${f.origin}:${f.run_id}`} data-testid="failure-row">
                  <td>{fmtTime(f.at)}</td>
                  <td className="mono">
                    <span className={styles.truncate} title={f.record}>
                      {f.record}
                    </span>
                  </td>
                  <td>
                    {f.correlation_id ? (
                      <Link href={dealHref(f.correlation_id)} className="mono" prefetch={false} data-testid="failure-deal-link">
                        {f.correlation_id}
                      </Link>
                    ) : (
                      <span className="muted">unstitched</span>
                    )}
                  </td>
                  <td>
                    <span className="badge bad">{f.status || 'failed'}</span> {f.dead_letter && <span className="badge warn">dead-lettered</span>}
                  </td>
                  <td className="num">{f.attempt || '—'}</td>
                  <td>
                    {f.recovered_at ? (
                      <span className="badge ok" title={fmtTime(f.recovered_at)}>
                        recovered after {fmtSeconds((Date.parse(f.recovered_at) - Date.parse(f.at)) / 1000)}
                      </span>
                    ) : (
                      <>
                        <span className="badge bad">still failing</span>{' '}
                        {target && parseEntityKey(f.record) && <ActionButton kind="retry" target={target} entityKey={f.record} onDone={refresh} />}
                      </>
                    )}
                  </td>
                  <td>{f.trace_id ? <Link href={traceHref(f.trace_id)} className="mono" data-testid="failure-trace-link">{f.trace_id.slice(0, 12)}…</Link> : <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager testId="failures-pager" pages={pages} data={data} />
    </section>
  );
}
