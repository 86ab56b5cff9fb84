// The expected path for the deal's billing model, each step marked done, missing, next
// or pending (late ones flagged), and the list of deviations.

import type { Deviation, PathStep } from '@/lib/contracts/deals';
import { BILLING_MODEL_LABEL, STAGE_COLOR, formatDate, stepLabel, formatLate } from '@/app/_components/journey-format';
import styles from './journey.module.css';

const DEVIATION_BADGE: Record<Deviation['kind'], string> = { missing: 'bad', late: 'warn', repeated: 'warn', reordered: 'warn' };

export function ExpectedPath({ path, deviations, billingModel }: { path: PathStep[]; deviations: Deviation[]; billingModel: string }) {
  const deviating = new Map<string, Deviation['kind'][]>();
  for (const d of deviations) deviating.set(d.type, [...(deviating.get(d.type) ?? []), d.kind]);
  return (
    <section className="panel" data-testid="expected-path">
      <h2>
        Expected path <span className="muted">· {BILLING_MODEL_LABEL[billingModel] ?? (billingModel || 'default (fixed fee)')}</span>
      </h2>
      <ol className={styles.path}>
        {path.map((s) => {
          const kinds = deviating.get(s.type) ?? [];
          return (
            <li
              key={s.type}
              className={`${styles.step} ${styles[`step_${s.status}`]} ${kinds.length ? styles.deviates : ''}`}
              data-testid="path-step"
              data-step={s.type}
              data-status={s.status}
              data-deviations={kinds.join(' ')}
              title={s.first_at ? `${formatDate(s.first_at)}${s.count > 1 ? ` (×${s.count})` : ''}` : s.due_at ? `due ${formatDate(s.due_at)}` : undefined}
            >
              <span className={styles.stepBar} style={{ background: STAGE_COLOR[s.stage] }} />
              <span className={styles.stepName}>{stepLabel(s.type)}</span>
              <span className={styles.stepMeta}>
                {s.status === 'done' && (s.late_by_ms ? `${formatLate(s.late_by_ms)} late` : formatDate(s.first_at, false))}
                {s.status === 'missing' && 'missing'}
                {s.status === 'next' && (s.late_by_ms ? `next · ${formatLate(s.late_by_ms)} overdue` : 'next')}
                {s.status === 'pending' && 'pending'}
                {s.count > 1 && ` · ×${s.count}`}
              </span>
            </li>
          );
        })}
      </ol>
      {deviations.length > 0 ? (
        <ul className={styles.deviations} data-testid="deviations">
          {deviations.map((d, i) => (
            <li key={i} data-testid="deviation" data-kind={d.kind}>
              <span className={`badge ${DEVIATION_BADGE[d.kind]}`}>{d.kind}</span> {stepLabel(d.type)}
              <span className="muted">
                {' '}
                — {d.kind === 'late' && d.late_by_ms ? `${formatLate(d.late_by_ms)} late: ` : ''}
                {d.message}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted" data-testid="no-deviations">No deviations: every step so far happened in order and on time.</p>
      )}
    </section>
  );
}
