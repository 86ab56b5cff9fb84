'use client';
// Replay of a dead letter (IT, admin): as it is, or with an edited mapping — JSON fields
// merged into the item before it re-runs through the pipeline (e.g. {"currency": "EUR"}).
// A letter whose event was stored since under another event ID is refused by the server
// unless forced (it would most likely be stored twice): the box says so and forces it.

import { useCallback, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { actionRefusal } from '@/lib/auth/role-matrix';
import { ActionButton } from './action-button';
import { useMe } from './use-me';
import styles from './action-button.module.css';

function parseMapping(text: string): { mapping?: Record<string, unknown>; error?: string } {
  if (!text.trim()) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return { error: 'the mapping must be a JSON object' };
    return { mapping: v as Record<string, unknown> };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export function ReplayControls({ deadLetterId, stored = false }: { deadLetterId: string; stored?: boolean }) {
  const [text, setText] = useState('');
  const [force, setForce] = useState(false);
  const { data: me } = useMe();
  const { mapping, error } = parseMapping(text);
  const qc = useQueryClient();
  // once the replay is verified, the letters show it stored since at once (not at the next refresh)
  const onDone = useCallback(() => {
    void qc.invalidateQueries({ queryKey: ['dead-letters'] });
    void qc.invalidateQueries({ queryKey: ['dead-letter'] });
  }, [qc]);
  if (!me || actionRefusal(me.user.role, 'replay', {})) return null;
  return (
    <div className={styles.replay} data-testid="replay-controls">
      <label>
        Edited mapping (optional JSON merged into the item)
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={3} placeholder='{"currency": "EUR"}' data-testid="replay-mapping" />
      </label>
      {stored && (
        <label className={styles.check} data-testid="replay-force">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Replay even if its record’s event was stored since under another event ID (only if that is another event: it would be stored twice)
        </label>
      )}
      {error ? <span className={styles.detail}>{error}</span> : <ActionButton kind="replay" deadLetterId={deadLetterId} mapping={mapping} force={force} label={mapping ? 'Replay with mapping' : 'Replay'} askReason onDone={onDone} />}
    </div>
  );
}
