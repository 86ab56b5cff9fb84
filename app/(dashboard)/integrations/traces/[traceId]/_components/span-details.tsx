'use client';
// The selected span: status, timing, flow, deal, attributes, resource attributes, events.

import type { TraceSpan } from '@/lib/contracts/integrations';
import { fmtMs, fmtTime } from '../../../_components/format';
import styles from './trace.module.css';

function KeyValues({ entries }: { entries: [string, string][] }) {
  if (entries.length === 0) return <p className="muted">none</p>;
  return (
    <dl className={styles.kv}>
      {entries.map(([k, v]) => (
        <div key={k} style={{ display: 'contents' }}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function SpanDetails({ span }: { span: TraceSpan }) {
  const sorted = (o: Record<string, string>) => Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section className={`panel ${styles.details}`} data-testid="span-details" aria-label={`Span ${span.name}`}>
      <h2>
        {span.name} <span className="muted">· {span.service_name}</span>
      </h2>
      <div className={styles.cols}>
        <div>
          <KeyValues
            entries={[
              ['status', `${span.status_code || 'UNSET'}${span.status_message ? ` — ${span.status_message}` : ''}`],
              ['start', fmtTime(span.start_time)],
              ['offset', fmtMs(span.offset_ms)],
              ['duration', fmtMs(span.duration_ms)],
              ['kind', span.kind || '—'],
              ['span_id', span.span_id],
              ['parent_span_id', span.parent_span_id || '(root)'],
              ...(span.flow_source ? [['flow', `${span.flow_source} → ${span.flow_target}`] as [string, string]] : []),
              ...(span.correlation_id ? [['correlation_id', span.correlation_id] as [string, string]] : []),
            ]}
          />
          <h3 style={{ fontSize: 13, margin: '14px 0 6px' }}>Span events</h3>
          {span.events.length === 0 ? (
            <p className="muted">none</p>
          ) : (
            <ul style={{ margin: 0, paddingLeft: 18, fontSize: 13 }}>
              {span.events.map((e, i) => (
                <li key={i}>
                  <b>{e.name}</b> <span className="muted">{fmtTime(e.time)}</span>
                  {Object.keys(e.attributes).length > 0 && <KeyValues entries={sorted(e.attributes)} />}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3 style={{ fontSize: 13, margin: '0 0 6px' }}>Attributes</h3>
          <KeyValues entries={sorted(span.attributes)} />
          <h3 style={{ fontSize: 13, margin: '14px 0 6px' }}>Resource</h3>
          <KeyValues entries={sorted(span.resource_attributes)} />
        </div>
      </div>
    </section>
  );
}
