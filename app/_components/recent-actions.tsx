'use client';
// The signed-in user's recent actions in this tab, with their live lifecycle: an action
// outlives the queue row it was started from (a verified re-sync removes the row).
// ActionButton adds to it; the nav shows it.

import { useSyncExternalStore } from 'react';
import { useActionStatus } from './use-action';
import styles from './user-badge.module.css';

export interface RecentAction {
  id: string;
  label: string;
  subject: string;
}

let items: RecentAction[] = [];
const listeners = new Set<() => void>();

export function rememberAction(a: RecentAction): void {
  items = [a, ...items.filter((x) => x.id !== a.id)].slice(0, 5);
  for (const l of listeners) l();
}

function useRecent(): RecentAction[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => items,
    () => items,
  );
}

const BADGE: Record<string, string> = { verified: 'ok', failed: 'bad', timed_out: 'bad' };

function Row({ a }: { a: RecentAction }) {
  const { data } = useActionStatus(a.id);
  const status = data?.status ?? 'requested';
  return (
    <li data-testid="recent-action" data-status={status} data-action-id={a.id} title={data?.detail}>
      <span className={`badge ${BADGE[status] ?? 'warn'}`}>{status.replace('_', ' ')}</span> {a.label}
      <div className={styles.subject}>{a.subject}</div>
      {data?.detail && status !== 'verified' && status !== 'sent' && <div className={styles.subject}>{data.detail}</div>}
    </li>
  );
}

export function RecentActions() {
  const recent = useRecent();
  if (recent.length === 0) return null;
  return (
    <div className={styles.recent} data-testid="recent-actions">
      <div className={styles.role}>Recent actions</div>
      <ul>
        {recent.map((a) => (
          <Row key={a.id} a={a} />
        ))}
      </ul>
    </div>
  );
}
