'use client';
// The actions of one stuck-queue row (or of an unstaffed project, PMO's other queue):
// re-sync to the system whose record is missing (or retry a failed sync), acknowledge,
// assign (or reassign, unassign), snooze a day, resolve. Each button hides itself for roles that may not use it (see
// action-button.tsx); ExceptionState, the row's state beside them.

import { useState } from 'react';
import type { StuckItem } from '@/lib/contracts/stuck';
import { RESYNC_TARGET } from '@/lib/actions/targets';
import { ActionButton } from './action-button';
import { AssignMenu, useRefreshQueues } from './assign';
import styles from './action-button.module.css';

export function StuckActions({ item }: { item: Pick<StuckItem, 'id' | 'entity_key' | 'since' | 'state' | 'assignee'> & { rule: string } }) {
  const target = RESYNC_TARGET[item.rule];
  const [snoozeUntil] = useState(() => new Date(Date.now() + 86_400_000).toISOString());
  // a state changed here shows in the queue (and its filters) at once
  const refresh = useRefreshQueues();
  return (
    <span className={styles.row} data-testid="stuck-actions">
      {target && <ActionButton kind="resync" target={target} entityKey={item.entity_key} exceptionId={item.id} stuckSince={item.since} />}
      {item.rule === 'sync-failed-unrecovered' && <ActionButton kind="retry" entityKey={item.entity_key} exceptionId={item.id} stuckSince={item.since} />}
      {item.state === 'open' && <ActionButton kind="acknowledge" exceptionId={item.id} stuckSince={item.since} onDone={refresh} />}
      {item.state !== 'resolved' && <AssignMenu item={item} />}
      {item.state !== 'snoozed' && item.state !== 'resolved' && (
        <ActionButton kind="snooze" exceptionId={item.id} until={snoozeUntil} stuckSince={item.since} label="Snooze 1 day" onDone={refresh} />
      )}
      {item.state !== 'resolved' && <ActionButton kind="resolve" exceptionId={item.id} resolutionCode="fixed_in_source" stuckSince={item.since} askReason onDone={refresh} />}
    </span>
  );
}

/** A stuck row's workflow state (open, acknowledged, snoozed, resolved), who it is assigned to, and (hover) who set it when. */
export function ExceptionState({ item }: { item: Pick<StuckItem, 'state' | 'assignee' | 'state_by' | 'state_at'> }) {
  const set = item.state_by ? `${item.state} by ${item.state_by}${item.state_at ? ` on ${item.state_at.slice(0, 16).replace('T', ' ')} UTC` : ''}` : undefined;
  return (
    <>
      <span className={`badge ${item.state === 'open' ? '' : 'ok'}`} title={set} data-testid="exception-state">{item.state}</span>
      {item.assignee && <span className="muted"> · {item.assignee}</span>}
    </>
  );
}
