'use client';
// A secret shown once (token or signing secret, right after it is created or rotated): the
// value, a copy button and a dismiss button. Nothing can show it again.

import { useState } from 'react';
import styles from './admin.module.css';

export interface ShownOnceValue {
  /** What it is, e.g. "Ingest token feed (shown once)". */
  label: string;
  value: string;
  /** Where to enter it, when that needs saying. */
  hint?: string;
}

export function ShownOnce({ shown, onDone, testId }: { shown: ShownOnceValue | null; onDone: () => void; testId: string }) {
  const [copied, setCopied] = useState(false);
  if (!shown) return null;
  const copy = async () => {
    await navigator.clipboard?.writeText(shown.value).catch(() => undefined);
    setCopied(true);
  };
  return (
    <div className={styles.secret} role="alert" data-testid={testId}>
      <div>
        {shown.label}: <span className="mono" data-testid={`${testId}-value`}>{shown.value}</span>
      </div>
      {shown.hint && <div className="muted">{shown.hint}</div>}
      <div className={styles.actions}>
        <button className={styles.btn} type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button
          className={styles.btn}
          type="button"
          onClick={() => {
            setCopied(false);
            onDone();
          }}
        >
          Done, I have stored it
        </button>
      </div>
    </div>
  );
}
