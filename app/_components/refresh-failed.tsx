'use client';
// A view's query whose refresh failed keeps its last answer on screen and says so, instead of
// giving way to the error: a busy store for a moment (a refresh every 5 s) does not blank the
// queue a user is working through, the page they are on, or their selection. Only a query that
// never answered shows its error in place of the content (loadError).

import type { ReactNode } from 'react';

type Answered = { error: Error | null; data: unknown };

/** The error to show in place of the view's content: the query's, when it has no answer to show; else null. */
export function loadError(query: Answered): Error | null {
  return query.data === undefined ? query.error : null;
}

/**
 * "not refreshed" above a view whose last refresh failed (nothing when it did not): the reason,
 * and the time of the answer still shown. `children` replace the reason (a journey says what a
 * 404 means for it).
 */
export function RefreshFailed({ query, what, testId = 'refresh-failed', children }: { query: Answered & { dataUpdatedAt: number }; what: string; testId?: string; children?: ReactNode }) {
  if (!query.error || query.data === undefined) return null;
  const time = new Date(query.dataUpdatedAt).toLocaleTimeString('en-GB');
  return (
    <div className="panel" role="status" data-testid={testId}>
      <span className="badge warn">not refreshed</span> {children ?? <>Could not refresh {what}: {query.error.message}.</>} Shown as of {time}; it tries again on its own.
    </div>
  );
}
