// What the deal is waiting for, when it was due and how late it is: the next step of its path
// and the records still open (an invoice unpaid, a payment unapplied). "Journey complete" only
// once every step has happened and nothing is open.

import type { DealOpenItem, Deviation, NextStep } from '@/lib/contracts/deals';
import { OpenItems } from './open-items';
import { formatDate, stepLabel, formatLate } from '@/app/_components/journey-format';
import styles from './journey.module.css';

const KIND_WORDS: Record<Deviation['kind'], string> = { missing: 'missing', reordered: 'out of order', repeated: 'repeated', late: 'late' };

/** "1 missing · 2 late": the deviations by kind, in the order they are listed. */
function byKind(deviations: readonly Deviation[]): string {
  const counts = new Map<Deviation['kind'], number>();
  for (const d of deviations) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${n === 1 ? 'step' : 'steps'} ${KIND_WORDS[k]}`).join(' · ');
}

export function NextStepCard({ next, open, openError, conforming, deviations }: {
  next: NextStep | null;
  /** undefined until loaded (or when they could not be read: openError) */
  open: readonly DealOpenItem[] | undefined;
  openError?: string;
  conforming: boolean;
  deviations: readonly Deviation[];
}) {
  return (
    <section className={`panel ${styles.next}`} data-testid="next-step" aria-busy={open === undefined && !openError}>
      <h2>Expected next</h2>
      {next ? (
        <>
          <div className={styles.nextType}>
            {stepLabel(next.type)}{' '}
            <span className={`badge ${next.overdue ? 'bad' : 'ok'}`} data-testid="next-step-status">
              {next.overdue ? `${formatLate(next.late_by_ms)} late` : 'on time'}
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
      ) : open && open.length === 0 ? (
        <div className={styles.nextType} data-testid="journey-complete">
          Journey complete <span className="badge ok">nothing open</span>
        </div>
      ) : (
        <div className={styles.nextType} data-testid="path-done">
          Every step of the path has happened{' '}
          {open && open.length > 0 && <span className="badge warn">{open.length} still open</span>}
        </div>
      )}
      {openError ? (
        <p className="error" role="alert">Could not read the deal’s open records: {openError}</p>
      ) : open === undefined ? (
        !next && <p className="muted">Checking the deal’s open records…</p>
      ) : (
        open.length > 0 && <OpenItems items={open} />
      )}
      <p className={styles.conformance}>
        {conforming ? (
          <span className="badge ok">follows the expected path</span>
        ) : (
          <span className="badge warn">deviates from the expected path</span>
        )}{' '}
        {deviations.length > 0 && (
          <span className="muted" data-testid="deviation-summary">
            {byKind(deviations)}
          </span>
        )}
      </p>
    </section>
  );
}
