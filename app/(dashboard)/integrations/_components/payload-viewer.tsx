'use client';
// One dead letter in full: metadata, the validation errors and the raw payload
// (pretty-printed when it is JSON, shown verbatim otherwise).

import Link from 'next/link';
import { useDeadLetter } from './use-integrations';
import { fmtBytes, fmtTime } from './format';
import styles from './integrations.module.css';
import { ReplayControls } from '@/app/_components/replay-controls';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

function pretty(raw: string): { text: string; json: boolean } {
  try {
    return { text: JSON.stringify(JSON.parse(raw), null, 2), json: true };
  } catch {
    // NDJSON or another format: keep the bytes as received.
    return { text: raw, json: false };
  }
}

export function PayloadViewer({ id, onClose }: { id: string; onClose: () => void }) {
  const letter = useDeadLetter(id);
  const { data, isLoading } = letter;
  const error = loadError(letter);
  return (
    <aside className={styles.viewer} data-testid="payload-viewer" aria-label="Dead letter payload">
      <div className={styles.panelHead}>
        <h2>Dead letter</h2>
        <button type="button" onClick={onClose} aria-label="Close payload viewer">
          Close
        </button>
      </div>
      {isLoading && <div className="loading">Loading payload…</div>}
      <RefreshFailed query={letter} what="the dead letter" />
      {error && <div className="error">{error.message}</div>}
      {data && (
        <>
          <dl>
            <dt>Received</dt>
            <dd>{fmtTime(data.received_at)}</dd>
            <dt>Collector</dt>
            <dd>{data.collector}</dd>
            <dt>Reason</dt>
            <dd>
              <span className="badge bad">{data.reason}</span>
            </dd>
            <dt>Event ID</dt>
            <dd className="mono">{data.event_id || '—'}</dd>
            <dt>Event</dt>
            <dd data-testid="payload-event">
              {data.event_type ? <span className="mono">{data.event_type}</span> : '—'}
              {data.event_type && (data.occurred_at ? ` of ${fmtTime(data.occurred_at)}` : <span className="muted"> (no valid business time)</span>)}
            </dd>
            <dt>Record</dt>
            <dd className="mono" data-testid="payload-record">{data.record ?? '—'}</dd>
            <dt>Deal</dt>
            <dd data-testid="payload-deal">
              {data.deal ? (
                <Link href={`/deals/${encodeURIComponent(data.deal)}`} className="mono" prefetch={false}>
                  {data.deal}
                </Link>
              ) : (
                <span className="muted">{data.record ? 'no deal has this record or its refs yet' : '—'}</span>
              )}
            </dd>
            <dt>State</dt>
            <dd data-testid="payload-state">
              {data.stored ? (
                <>
                  <span className="badge ok">stored since</span> its event was accepted after this letter (sent again or replayed): this event ID, or this record’s event of this type under another ID
                  {data.recurring && (data.occurred_at ? ' of this business time (a record has several of this type)' : ' (a record has several of this type, and this letter names no valid business time: any of them counts)')}
                </>
              ) : (
                <span className="badge warn">waiting</span>
              )}
            </dd>
            <dt>Content type</dt>
            <dd className="mono">{data.content_type || '—'}</dd>
            <dt>Size</dt>
            <dd>{fmtBytes(data.raw_bytes)}</dd>
          </dl>
          {data.errors.length > 0 && (
            <ul className={styles.errors} data-testid="payload-errors">
              {data.errors.map((e, i) => (
                <li key={i}>{e}</li>
              ))}
            </ul>
          )}
          <ReplayControls deadLetterId={id} stored={data.stored} />
          <pre className="payload" data-testid="payload-raw">
            {pretty(data.raw).text || '(empty body)'}
          </pre>
        </>
      )}
    </aside>
  );
}
