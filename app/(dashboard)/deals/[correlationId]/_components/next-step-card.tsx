// What the deal is waiting for, when it was due and how late it is.

import type { NextStep } from '@/lib/contracts/deals';
import { formatDate, formatDuration, stepLabel } from '@/app/_components/journey-format';
import styles from './journey.module.css';

export function NextStepCard({ next, conforming, deviations }: { next: NextStep | null; conforming: boolean; deviations: number }) {
  return (
    <section className={`panel ${styles.next}`} data-testid="next-step">
      <h2>Expected next</h2>
      {next ? (
        <>
          <div className={styles.nextType}>
            {stepLabel(next.type)}{' '}
            <span className={`badge ${next.overdue ? 'bad' : 'ok'}`} data-testid="next-step-status">
              {next.overdue ? `${formatDuration(next.late_by_ms)} late` : 'on time'}
            </span>
          </div>
          <p className="muted">
            {next.waits_for ? (
              <>
                After {stepLabel(next.waits_for).toLowerCase()} on {formatDate(next.waits_for_at)}; allowed {next.window}
                {next.due_at && <>, due {formatDate(next.due_at)}</>}.
              </>
            ) : (
              'No step of the expected path has happened yet.'
            )}
          </p>
        </>
      ) : (
        <div className={styles.nextType}>
          Journey complete <span className="badge ok">cash applied</span>
        </div>
      )}
      <p className={styles.conformance}>
        {conforming ? (
          <span className="badge ok">follows the expected path</span>
        ) : (
          <span className="badge warn">deviates from the expected path</span>
        )}{' '}
        {deviations > 0 && <span className="muted">{deviations} deviation{deviations === 1 ? '' : 's'}</span>}
      </p>
    </section>
  );
}
