'use client';
// The span waterfall: one row per span nested under its parent, a bar on the shared time
// axis (offset and duration), coloured by status; markers for span events; click or Enter
// selects a span.

import { axisTicks, layoutWaterfall } from '@/lib/traces/waterfall';
import type { TraceSpan } from '@/lib/contracts/integrations';
import { fmtMs } from '../../../_components/format';
import styles from './trace.module.css';

export function statusTone(s: Pick<TraceSpan, 'error' | 'status_code'>): 'error' | 'ok' | 'unset' {
  if (s.error) return 'error';
  return /OK|^1$/.test(s.status_code) ? 'ok' : 'unset';
}

const BAR = { error: styles.barError, ok: styles.barOk, unset: styles.barUnset };
const DOT = { error: '#d64545', ok: '#4f86f7', unset: '#94a3b8' };

export function Waterfall({ spans, total, selected, onSelect }: { spans: TraceSpan[]; total: number; selected: string | null; onSelect: (id: string) => void }) {
  const rows = layoutWaterfall(spans);
  const span = total > 0 ? total : 1;
  const pct = (ms: number) => `${Math.min(100, (ms / span) * 100)}%`;
  const startMs = spans.length ? Date.parse(spans[0].start_time) : 0;
  return (
    <div className={styles.waterfall} data-testid="waterfall" role="list" aria-label="Spans">
      <div className={styles.axis}>
        <div style={{ paddingLeft: 10 }}>Span</div>
        <div className={styles.axisTrack}>
          {axisTicks(total).map((t) => (
            <span key={t} className={styles.tick} style={{ left: pct(t) }}>
              {fmtMs(t)}
            </span>
          ))}
        </div>
      </div>
      {rows.map((s) => {
        const tone = statusTone(s);
        // The duration label sits after the bar; near the right edge inside a wide bar, or before a narrow one.
        const nearRight = s.offset_ms + s.duration_ms > span * 0.8;
        const inside = nearRight && s.duration_ms > span * 0.08;
        const labelStyle = !nearRight
          ? { left: `calc(${pct(s.offset_ms + s.duration_ms)} + 4px)` }
          : inside
            ? { right: `calc(${100 - Math.min(100, ((s.offset_ms + s.duration_ms) / span) * 100)}% + 6px)` }
            : { right: `calc(${100 - (s.offset_ms / span) * 100}% + 4px)` };
        return (
          <div
            key={s.span_id}
            role="listitem"
            tabIndex={0}
            aria-selected={s.span_id === selected}
            data-testid="span-row"
            data-status={tone}
            className={`${styles.row} ${s.span_id === selected ? styles.rowSelected : ''}`}
            onClick={() => onSelect(s.span_id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onSelect(s.span_id);
              }
            }}
          >
            <div className={styles.name} style={{ paddingLeft: 10 + s.depth * 16 }}>
              <span className={styles.dot} style={{ background: DOT[tone] }} aria-label={tone} />
              <span className={styles.label} title={s.name}>
                {s.name}
              </span>
              <span className={styles.svc}>{s.service_name}</span>
            </div>
            <div className={styles.track}>
              <div className={`${styles.bar} ${BAR[tone]}`} style={{ left: pct(s.offset_ms), width: pct(s.duration_ms) }} title={`${s.name}: ${fmtMs(s.duration_ms)}`} />
              {s.events.map((e, i) => (
                <span key={i} className={styles.marker} style={{ left: pct(Math.max(0, Date.parse(e.time) - startMs)) }} title={e.name} />
              ))}
              <span
                className={`${styles.barLabel} ${inside ? styles.barLabelInside : ''}`}
                style={labelStyle}
              >
                {fmtMs(s.duration_ms)}
              </span>
            </div>
          </div>
        );
      })}
    </div>
  );
}
