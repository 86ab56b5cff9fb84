'use client';
// "updating…" while a view's query refetches in the background (live polling). Never in the
// first render: server-rendered data that is already stale when the page hydrates (the page's
// other queries took a while) makes the client's first render report a fetch the server's did
// not, a hydration mismatch; it shows from the next render on.

import styles from './views.module.css';
import { useMounted } from './use-mounted';

export function Updating({ active }: { active: boolean }) {
  const mounted = useMounted();
  return mounted && active ? (
    <span className={styles.live} aria-live="polite">
      updating…
    </span>
  ) : null;
}
