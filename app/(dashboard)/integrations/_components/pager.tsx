'use client';
// Previous / next over the opaque cursors of a paginated list: a stack of the cursors of
// the pages seen, reset when the list's filters change.

import { useEffect, useState } from 'react';
import styles from './integrations.module.css';

export interface CursorPages {
  cursor: string | undefined;
  page: number;
  prev: () => void;
  next: (cursor: string | null) => void;
}

export function useCursorPages(resetKey: string): CursorPages {
  const [stack, setStack] = useState<string[]>([]);
  useEffect(() => setStack([]), [resetKey]);
  return {
    cursor: stack[stack.length - 1],
    page: stack.length,
    prev: () => setStack((s) => s.slice(0, -1)),
    next: (c) => setStack((s) => (c ? [...s, c] : s)),
  };
}

export function Pager({ pages, data, testId }: { pages: CursorPages; data: { total: number; next_cursor: string | null } | undefined; testId: string }) {
  if (!data || (pages.page === 0 && data.next_cursor === null)) return null;
  return (
    <div className={styles.pager} data-testid={testId}>
      <span>
        Page {pages.page + 1} · {data.total} in all
      </span>
      <button type="button" onClick={pages.prev} disabled={pages.page === 0}>
        ← Previous
      </button>
      <button type="button" onClick={() => pages.next(data.next_cursor)} disabled={data.next_cursor === null}>
        Next →
      </button>
    </div>
  );
}
