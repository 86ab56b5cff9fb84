'use client';
// A table's search box: what is typed shows at once; `onSearch` gets the trimmed text 250 ms
// after typing stops (a query per pause, not per key). The stuck queues and PMO's unstaffed
// projects search with it.

import { useEffect, useRef, useState } from 'react';
import styles from './views.module.css';

export function SearchBox({ placeholder, label, testId, onSearch }: { placeholder: string; label: string; testId: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState('');
  const latest = useRef(onSearch);
  useEffect(() => {
    latest.current = onSearch;
  });
  useEffect(() => {
    const t = setTimeout(() => latest.current(text.trim()), 250);
    return () => clearTimeout(t);
  }, [text]);
  return (
    <input
      type="search"
      className={styles.search}
      placeholder={placeholder}
      aria-label={label}
      value={text}
      data-testid={testId}
      maxLength={200}
      onChange={(e) => setText(e.target.value)}
    />
  );
}
