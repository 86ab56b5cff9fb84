'use client';
// One trace: summary (deal link, duration, services, errors), the span waterfall, the
// selected span's details, and the canonical events that carry this trace.

import Link from 'next/link';
import { useState } from 'react';
import { useTrace } from '../../../_components/use-integrations';
import { dealHref, fmtMs, fmtTime } from '../../../_components/format';
import { SpanDetails } from './span-details';
import { Waterfall } from './waterfall';
import styles from './trace.module.css';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

export function TraceView({ traceId }: { traceId: string }) {
  const trace = useTrace(traceId);
  const { data, isLoading } = trace;
  const error = loadError(trace);
  const [selected, setSelected] = useState<string | null>(null);
  const span = data?.spans.find((s) => s.span_id === selected) ?? null;

  return (
    <div data-testid="trace-view">
      <p className="muted" style={{ margin: '0 0 6px' }}>
        <Link href="/integrations">Integrations</Link> / trace
      </p>
      <h1 className="mono" style={{ fontSize: 18 }}>
        {traceId}
      </h1>
      {isLoading && <div className="loading">Loading trace…</div>}
      <RefreshFailed query={trace} what="the trace" />
      {error && (
        <div className="panel empty" data-testid="trace-error">
          {(error as { status?: number }).status === 404 ? 'No span or event carries this trace ID (yet). Spans arrive on /v1/traces.' : error.message}
        </div>
      )}
      {data && (
        <>
          <div className={styles.summary} data-testid="trace-summary">
            <span>
              Deal{' '}
              {data.correlation_id ? (
                <Link href={dealHref(data.correlation_id)} className="mono" data-testid="trace-deal-link">
                  {data.correlation_id}
                </Link>
              ) : (
                <b>not linked</b>
              )}
            </span>
            <span>
              Started <b>{fmtTime(data.started_at)}</b>
            </span>
            <span>
              Duration <b>{fmtMs(data.duration_ms)}</b>
            </span>
            <span>
              <b>{data.spans.length}</b> spans · services <b>{data.services.join(', ') || '—'}</b>
            </span>
            <span>{data.error_spans > 0 ? <span className="badge bad">{data.error_spans} error spans</span> : <span className="badge ok">no errors</span>}</span>
          </div>
          {data.spans.length === 0 ? (
            <div className="panel empty">No spans received for this trace; the events below name it.</div>
          ) : (
            <Waterfall spans={data.spans} total={data.duration_ms} selected={selected} onSelect={(id) => setSelected(id === selected ? null : id)} />
          )}
          {span ? <SpanDetails span={span} /> : data.spans.length > 0 && <p className="muted">Select a span to see its attributes.</p>}
          <section className="panel" style={{ marginTop: 14 }} data-testid="trace-events">
            <h2>Events carrying this trace</h2>
            {data.events.length === 0 ? (
              <div className="empty">No canonical event names this trace.</div>
            ) : (
              <table className="data">
                <thead>
                  <tr>
                    <th>Occurred</th>
                    <th>Event</th>
                    <th>Record</th>
                    <th>Status</th>
                    <th>Span</th>
                    <th>Deal</th>
                  </tr>
                </thead>
                <tbody>
                  {data.events.map((e) => (
                    <tr key={e.event_id}>
                      <td>{fmtTime(e.occurred_at)}</td>
                      <td>{e.type}</td>
                      <td className="mono">{e.entity_key}</td>
                      <td>{e.status ? <span className={`badge ${e.type.endsWith('failed') ? 'bad' : ''}`}>{e.status}</span> : '—'}</td>
                      <td className="mono">
                        {e.span_id && data.spans.some((s) => s.span_id === e.span_id) ? (
                          <button type="button" onClick={() => setSelected(e.span_id)}>
                            {e.span_id}
                          </button>
                        ) : (
                          e.span_id || '—'
                        )}
                      </td>
                      <td>{e.correlation_id ? <Link href={dealHref(e.correlation_id)}>open deal</Link> : <span className="muted">unstitched</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </div>
  );
}
