'use client';
// Dead letters: counts by reason (chips that filter), the newest letters, and the raw
// payload viewer of the one selected (kept in the URL as ?dl=…).

import { useState } from 'react';
import { csvHref, useDeadLetters } from './use-integrations';
import { fmtBytes, fmtInt, fmtTime } from './format';
import { PayloadViewer } from './payload-viewer';
import { Pager, useCursorPages } from '@/app/_components/pager';
import styles from './integrations.module.css';
import { ExportCsv } from '@/app/_components/export-csv';

const PAGE = 20;

export function DeadLettersPanel(props: { filters: Record<string, string>; selected: string | null; onSelect: (id: string | null) => void }) {
  const [reason, setReason] = useState<string | null>(null);
  const pages = useCursorPages(`${reason}:${props.filters.from}:${props.filters.to}`);
  const base = { from: props.filters.from, to: props.filters.to, reason: reason ?? undefined };
  const { data, error, isLoading } = useDeadLetters({ ...base, limit: PAGE, cursor: pages.cursor });

  return (
    <section className="panel" data-testid="dead-letters" aria-label="Dead letters">
      <div className={styles.panelHead}>
        <h2>Dead letters {data && <span className="muted">· {fmtInt(data.total)}</span>}</h2>
        <div className={styles.actions}>
          {data && data.by_reason.length > 0 && (
            <div className={styles.chips} role="group" aria-label="Filter by reason">
              {data.by_reason.map((r) => (
                <button key={r.key} type="button" className={styles.chip} aria-pressed={reason === r.key} onClick={() => setReason(reason === r.key ? null : r.key)}>
                  {r.key} <span className={styles.n}>{fmtInt(r.count)}</span>
                </button>
              ))}
            </div>
          )}
          <ExportCsv href={csvHref('/api/dead-letters', base)} className="" testId="dead-letters-csv" />
        </div>
      </div>
      {isLoading && <div className="loading">Loading dead letters…</div>}
      {error && <div className="error">{error.message}</div>}
      {data && data.items.length === 0 && <div className="empty">No dead letters: every input in this window was accepted.</div>}
      {data && data.items.length > 0 && (
        <div className={props.selected ? styles.split : undefined}>
          <div className={styles.tableWrap}>
            <table className="data" data-testid="dead-letter-table">
              <thead>
                <tr>
                  <th>Received</th>
                  <th>Collector</th>
                  <th>Reason</th>
                  <th>First error</th>
                  <th>Event ID</th>
                  <th className="num">Size</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((d) => (
                  <tr
                    key={d.id}
                    tabIndex={0}
                    role="button"
                    aria-pressed={d.id === props.selected}
                    data-testid="dead-letter-row"
                    className={`${styles.rowButton} ${d.id === props.selected ? styles.selected : ''}`}
                    onClick={() => props.onSelect(d.id)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        props.onSelect(d.id);
                      }
                    }}
                  >
                    <td>{fmtTime(d.received_at)}</td>
                    <td>{d.collector}</td>
                    <td>
                      <span className="badge bad">{d.reason}</span>
                    </td>
                    <td>
                      <span className={styles.truncate} title={d.errors.join('\n')}>
                        {d.errors[0] ?? '—'}
                      </span>
                    </td>
                    <td className="mono">{d.event_id || '—'}</td>
                    <td className="num">{fmtBytes(d.raw_bytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {props.selected && <PayloadViewer id={props.selected} onClose={() => props.onSelect(null)} />}
        </div>
      )}
      <Pager testId="dead-letters-pager" pages={pages} data={data} />
    </section>
  );
}
