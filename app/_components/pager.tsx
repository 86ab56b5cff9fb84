'use client';
// Previous / next over the opaque cursors of a paginated list: a stack of the cursors of
// the pages seen, reset when the list's filters change (its resetKey).

import { useState } from 'react';
import styles from './views.module.css';
import { formatCount } from '@/lib/money/format';

export interface CursorPages {
  cursor: string | undefined;
  /** 0 on the first page. */
  page: number;
  prev: () => void;
  next: (cursor: string | null) => void;
  /** Back to the first page (a page that emptied while it was read). */
  first: () => void;
}

export function useCursorPages(resetKey: string): CursorPages {
  // The stack belongs to one resetKey: a new key starts from the first page again.
  const [state, setState] = useState<{ key: string; stack: string[] }>({ key: resetKey, stack: [] });
  const stack = state.key === resetKey ? state.stack : [];
  return {
    cursor: stack[stack.length - 1],
    page: stack.length,
    prev: () => setState({ key: resetKey, stack: stack.slice(0, -1) }),
    next: (c) => setState({ key: resetKey, stack: c ? [...stack, c] : stack }),
    first: () => setState({ key: resetKey, stack: [] }),
  };
}

/** Nothing when the list fits one page; `total` (when the list reports it) is shown with the page number. */
export function Pager({ pages, data, testId, noun = 'in all' }: { pages: CursorPages; data: { total?: number; next_cursor: string | null } | undefined; testId: string; noun?: string }) {
  if (!data || (pages.page === 0 && data.next_cursor === null)) return null;
  return (
    <div className={styles.pager} data-testid={testId}>
      <button type="button" className={styles.button} onClick={pages.prev} disabled={pages.page === 0}>
        ← Previous
      </button>
      <span className="muted">
        Page {pages.page + 1}
        {data.total !== undefined && ` · ${formatCount(data.total)} ${noun}`}
      </span>
      <button type="button" className={styles.button} onClick={() => pages.next(data.next_cursor)} disabled={data.next_cursor === null} data-testid={`${testId}-next`}>
        Next →
      </button>
    </div>
  );
}
