'use client';
// The flow health table: one row per flow (source → target); a row (click or Enter)
// selects the flow whose failures are listed below.

import type { FlowRow } from '@/lib/contracts/integrations';
import { flowLabel, fmtMs, fmtPct, fmtSeconds, fmtTime, rateTone } from './format';
import styles from './integrations.module.css';
import { formatCount } from '@/lib/money/format';

export const flowKey = (f: { flow_source: string; flow_target: string }) => `${f.flow_source}:${f.flow_target}`;

export function FlowTable({ flows, selected, onSelect }: { flows: FlowRow[]; selected: string | null; onSelect: (key: string) => void }) {
  return (
    <div className={styles.tableWrap}>
      <table className="data" data-testid="flow-table">
        <thead>
          <tr>
            <th>Flow</th>
            <th className="num">Runs</th>
            <th className="num">Error rate</th>
            <th className="num">Retries</th>
            <th className="num">Dead letters</th>
            <th className="num">Still failing</th>
            <th className="num">p50</th>
            <th className="num">p95</th>
            <th className="num">p99</th>
            <th className="num">Time to recover p50 / mean</th>
            <th>Last failure</th>
          </tr>
        </thead>
        <tbody>
          {flows.map((f) => {
            const key = flowKey(f);
            const isSel = key === selected;
            return (
              <tr
                key={key}
                tabIndex={0}
                role="button"
                aria-pressed={isSel}
                data-testid="flow-row"
                data-flow={key}
                className={`${styles.rowButton} ${isSel ? styles.selected : ''}`}
                onClick={() => onSelect(key)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    onSelect(key);
                  }
                }}
              >
                <td className={styles.flowName}>{flowLabel(f)}</td>
                <td className="num">{formatCount(f.runs)}</td>
                <td className="num">
                  <span className={`badge ${rateTone(f.error_rate)}`}>{fmtPct(f.error_rate)}</span>
                </td>
                <td className="num">{formatCount(f.retries)}</td>
                <td className="num">{f.dead_letters > 0 ? <span className="badge bad">{formatCount(f.dead_letters)}</span> : '0'}</td>
                <td className="num">{f.open_failures > 0 ? <span className="badge bad">{formatCount(f.open_failures)}</span> : <span className={styles.cellMuted}>0</span>}</td>
                <td className="num">{fmtMs(f.latency_p50_ms)}</td>
                <td className="num">{fmtMs(f.latency_p95_ms)}</td>
                <td className="num">{fmtMs(f.latency_p99_ms)}</td>
                <td className="num">{f.recovered > 0 ? `${fmtSeconds(f.ttr_p50_s)} / ${fmtSeconds(f.ttr_mean_s)}` : <span className={styles.cellMuted}>—</span>}</td>
                <td>{f.last_failure_at ? fmtTime(f.last_failure_at) : <span className={styles.cellMuted}>none</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
