// Stage durations: one bar per progress stage, its width in proportion to its duration.

import type { StageSpan } from '@/lib/contracts/deals';
import { STAGE_COLOR, STAGE_LABEL, formatDate, formatDuration } from '@/app/_components/journey-format';
import styles from './journey.module.css';

export function StageDurations({ stages }: { stages: StageSpan[] }) {
  const total = stages.reduce((s, x) => s + (x.duration_ms ?? 0), 0) || 1;
  return (
    <section className="panel" data-testid="stage-durations">
      <h2>Stage durations</h2>
      <div className={styles.stageBar} aria-hidden>
        {stages
          .filter((s) => s.duration_ms !== null)
          .map((s) => (
            <span key={s.stage} style={{ flexGrow: Math.max(s.duration_ms ?? 0, total * 0.03), background: STAGE_COLOR[s.stage] }} className={s.status === 'current' ? styles.current : undefined} />
          ))}
      </div>
      <table className={styles.stageTable}>
        <tbody>
          {stages.map((s) => (
            <tr key={s.stage} data-testid="stage-row" data-stage={s.stage} data-status={s.status}>
              <td>
                <span className={styles.dot} style={{ background: s.status === 'pending' ? 'var(--line)' : STAGE_COLOR[s.stage] }} />
                {STAGE_LABEL[s.stage]}
              </td>
              <td className="muted">{s.started_at ? formatDate(s.started_at, false) : 'not started'}</td>
              <td className="num">
                {s.duration_ms === null ? '—' : formatDuration(s.duration_ms)}
                {s.status === 'current' && <span className="muted"> so far</span>}
              </td>
              <td className="num muted">{s.events ? `${s.events} ev.` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
