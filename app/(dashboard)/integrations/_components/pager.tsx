'use client';
// Previous / next over opaque cursors (a stack of the cursors of the pages seen).

import styles from './integrations.module.css';

export function Pager(props: { page: number; total?: number; shown: number; hasNext: boolean; onPrev: () => void; onNext: () => void; testId: string }) {
  if (props.page === 0 && !props.hasNext) return null;
  return (
    <div className={styles.pager} data-testid={props.testId}>
      <span>
        Page {props.page + 1}
        {props.total !== undefined ? ` · ${props.total} in all` : ''}
      </span>
      <button type="button" onClick={props.onPrev} disabled={props.page === 0}>
        ← Previous
      </button>
      <button type="button" onClick={props.onNext} disabled={!props.hasNext}>
        Next →
      </button>
    </div>
  );
}

/** Cursor stack state for a paginated list; reset when its filters change. */
export function nextCursors(stack: string[], next: string | null): string[] {
  return next ? [...stack, next] : stack;
}
