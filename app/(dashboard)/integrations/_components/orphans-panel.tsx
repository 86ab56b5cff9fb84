'use client';
// Orphans: events that arrived before the records they refer to, oldest first, with age
// buckets and the references each one is waiting for; a reference whose event was
// dead-lettered opens that letter; one a system sent without its reference can be linked to
// its deal by hand (LinkToDeal).

import { csvHref, useOrphans } from './use-integrations';
import { fmtSeconds, fmtTime } from './format';
import { Pager, useCursorPages } from '@/app/_components/pager';
import styles from './integrations.module.css';
import { ExportCsv } from '@/app/_components/export-csv';
import { useState } from 'react';
import { LinkOutcome, LinkToDeal, type LinkDone } from '@/app/_components/link-correction';
import { formatCount } from '@/lib/money/format';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

const PAGE = 20;

export function OrphansPanel({ filters, onOpenDeadLetter }: { filters: Record<string, string>; onOpenDeadLetter: (id: string) => void }) {
  const pages = useCursorPages(`${filters.from}:${filters.to}`);
  const base = { from: filters.from, to: filters.to };
  const orphans = useOrphans({ ...base, limit: PAGE, cursor: pages.cursor });
  const { data, isLoading } = orphans;
  const error = loadError(orphans);
  /** The last orphan linked here: its row leaves the table, so the outcome is said above it. */
  const [linked, setLinked] = useState<LinkDone | null>(null);

  return (
    <section className="panel" data-testid="orphans" aria-label="Orphan events">
      <div className={styles.panelHead}>
        <h2>Orphan events {data && <span className="muted">· {formatCount(data.total)} not stitched to a deal</span>}</h2>
        <ExportCsv href={csvHref('/api/orphans', base)} className="" testId="orphans-csv" />
      </div>
      {data && data.total > 0 && (
        <div className={styles.ageBar} data-testid="orphan-ages">
          {data.by_age.map((b) => (
            <div key={b.bucket} className={styles.ageCell}>
              <div className={styles.k}>{b.bucket}</div>
              <div className={styles.v}>{formatCount(b.count)}</div>
            </div>
          ))}
          <div className={styles.ageCell}>
            <div className={styles.k}>Oldest</div>
            <div className={styles.v}>{fmtSeconds(data.oldest_age_s)}</div>
          </div>
        </div>
      )}
      {linked && <LinkOutcome done={linked} />}
      {isLoading && <div className="loading">Loading orphans…</div>}
      <RefreshFailed query={orphans} what="the orphans" />
      {error && <div className="error">{error.message}</div>}
      {data && data.items.length === 0 && <div className="empty">Every event is stitched to its deal.</div>}
      {data && data.items.length > 0 && (
        <div className={styles.tableWrap}>
          <table className="data" data-testid="orphan-table">
            <thead>
              <tr>
                <th className="num">Age</th>
                <th>Record</th>
                <th>Event</th>
                <th>Waiting for</th>
                <th>Occurred</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((o) => (
                <tr key={o.event_id} data-testid="orphan-row">
                  <td className="num">
                    <span className={`badge ${o.age_s > 86400 ? 'bad' : o.age_s > 3600 ? 'warn' : 'ok'}`}>{fmtSeconds(o.age_s)}</span>
                  </td>
                  <td className="mono">{o.entity_key}</td>
                  <td>
                    {o.type}
                    {/* one record's events (a webhook delivered again under a new ID) tell apart by their ID */}
                    <div className="muted mono" data-testid="orphan-event-id">{o.event_id}</div>
                  </td>
                  <td>
                    <div className={styles.refs}>
                      {o.refs.length === 0 && <span className="muted">no references</span>}
                      {o.refs.map((r) => {
                        const letter = o.dead_lettered.find((d) => d.key === r);
                        if (letter) {
                          return (
                            <button
                              key={r}
                              type="button"
                              className={`${styles.ref} ${styles.refLettered}`}
                              title="its event was rejected into the dead letters: open the letter (replay it and this event stitches)"
                              data-testid="orphan-dead-lettered"
                              onClick={() => onOpenDeadLetter(letter.letter_id)}
                            >
                              {r} · dead-lettered
                            </button>
                          );
                        }
                        return (
                          <span key={r} className={`${styles.ref} ${o.waiting_for.includes(r) ? '' : styles.refKnown}`} title={o.waiting_for.includes(r) ? 'never received' : 'received, itself not stitched yet'}>
                            {r}
                          </span>
                        );
                      })}
                    </div>
                    {/* or, where the data will not say, linked by hand */}
                    <LinkToDeal record={o.entity_key} onDone={setLinked} />
                  </td>
                  <td>{fmtTime(o.occurred_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager testId="orphans-pager" pages={pages} data={data} />
    </section>
  );
}
