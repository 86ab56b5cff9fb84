'use client';
// Dead letters: counts by state (waiting for a fix, or stored since: resent or replayed)
// and by reason (chips that filter), the newest letters, and the raw payload viewer of the
// one selected (kept in the URL as ?dl=…).

import { useState } from 'react';
import { csvHref, useDeadLetters } from './use-integrations';
import { fmtBytes, fmtTime } from './format';
import { PayloadViewer } from './payload-viewer';
import { Pager, useCursorPages } from '@/app/_components/pager';
import styles from './integrations.module.css';
import { ExportCsv } from '@/app/_components/export-csv';
import { formatCount } from '@/lib/money/format';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

const PAGE = 20;

const STATES = [
  { key: 'waiting', label: 'Waiting', title: 'Its event has not been stored since (not under its event ID, nor its record’s event of its type under another, of its business time where a record has several, as disputes or sync runs): fix and replay it, or have the source send it again' },
  { key: 'stored', label: 'Stored since', title: 'Its event was stored after the letter (its source sent it again corrected, or it was replayed): an event with its event ID, or its record’s event of its type under another ID (of its business time where a record has several, as disputes or sync runs)' },
] as const;

export function DeadLettersPanel(props: { filters: Record<string, string>; selected: string | null; onSelect: (id: string | null) => void }) {
  const [reason, setReason] = useState<string | null>(null);
  const [state, setState] = useState<'waiting' | 'stored' | null>(null);
  const pages = useCursorPages(`${reason}:${state}:${props.filters.from}:${props.filters.to}`);
  const base = { from: props.filters.from, to: props.filters.to, reason: reason ?? undefined, state: state ?? undefined };
  const letters = useDeadLetters({ ...base, limit: PAGE, cursor: pages.cursor });
  const { data, isLoading } = letters;
  const error = loadError(letters);

  return (
    <section className="panel" data-testid="dead-letters" aria-label="Dead letters">
      <div className={styles.panelHead}>
        <h2>Dead letters {data && <span className="muted">· {formatCount(data.total)}</span>}</h2>
        <div className={styles.actions}>
          {data && data.by_state.waiting + data.by_state.stored > 0 && (
            <div className={styles.chips} role="group" aria-label="Filter by state" data-testid="dead-letter-states">
              {STATES.map((s) => (
                <button key={s.key} type="button" className={styles.chip} aria-pressed={state === s.key} title={s.title} onClick={() => setState(state === s.key ? null : s.key)}>
                  {s.label} <span className={styles.n}>{formatCount(data.by_state[s.key])}</span>
                </button>
              ))}
            </div>
          )}
          {data && data.by_reason.length > 0 && (
            <div className={styles.chips} role="group" aria-label="Filter by reason">
              {data.by_reason.map((r) => (
                <button key={r.key} type="button" className={styles.chip} aria-pressed={reason === r.key} onClick={() => setReason(reason === r.key ? null : r.key)}>
                  {r.key} <span className={styles.n}>{formatCount(r.count)}</span>
                </button>
              ))}
            </div>
          )}
          <ExportCsv href={csvHref('/api/dead-letters', base)} className="" testId="dead-letters-csv" />
        </div>
      </div>
      {isLoading && <div className="loading">Loading dead letters…</div>}
      <RefreshFailed query={letters} what="the dead letters" />
      {error && <div className="error">{error.message}</div>}
      {data && data.items.length === 0 && (
        <div className="empty">{state || reason ? 'No dead letters match these filters.' : 'No dead letters: every input in this window was accepted.'}</div>
      )}
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
                  <th>State</th>
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
                    <td data-testid="dead-letter-state">
                      {d.stored ? <span className="badge ok" title={STATES[1].title}>stored since</span> : <span className="badge warn" title={STATES[0].title}>waiting</span>}
                    </td>
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
