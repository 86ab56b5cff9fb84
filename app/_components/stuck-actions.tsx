'use client';
// The actions of one stuck-queue row (or of an unstaffed project, PMO's other queue):
// re-sync to the system whose record is missing (or retry a failed sync), acknowledge,
// assign (or reassign, unassign), snooze (a day to 30 days), resolve. Each control hides itself
// for roles that may not use it (see action-button.tsx); ExceptionState, the row's state beside them.

import type { StuckItem } from '@/lib/contracts/stuck';
import type { Role } from '@/lib/auth/roles';
import type { Source } from '@/lib/events/catalogue';
import { RESYNC_TARGET } from '@/lib/actions/targets';
import { ActionButton, ActionMenu } from './action-button';
import { AssignMenu } from './assign';
import styles from './action-button.module.css';

/**
 * `ownerRole`, `resyncTarget`: for an SLA policy's breach (its rule no stuck queue), whose work
 * it is and where its record is re-synced to ('' none; the breach row's `resync_target`).
 */
export function StuckActions({ item }: { item: Pick<StuckItem, 'id' | 'entity_key' | 'since' | 'state' | 'assignee'> & { rule: string; ownerRole?: Role; resyncTarget?: string } }) {
  const target = (item.resyncTarget === undefined ? RESYNC_TARGET[item.rule] : (item.resyncTarget as Source)) || null;
  // a state changed here shows in the queues at once: useRunAction refreshes them for every workflow change
  return (
    <span className={styles.row} data-testid="stuck-actions">
      {target && <ActionButton kind="resync" target={target} entityKey={item.entity_key} exceptionId={item.id} stuckSince={item.since} />}
      {item.rule === 'sync-failed-unrecovered' && <ActionButton kind="retry" entityKey={item.entity_key} exceptionId={item.id} stuckSince={item.since} />}
      {item.state === 'open' && <ActionButton kind="acknowledge" exceptionId={item.id} owner={item.ownerRole} stuckSince={item.since} />}
      {item.state !== 'resolved' && <AssignMenu item={item} />}
      {item.state !== 'snoozed' && item.state !== 'resolved' && (
        <SnoozeMenu item={item} />
      )}
      {item.state !== 'resolved' && <ActionButton kind="resolve" exceptionId={item.id} owner={item.ownerRole} resolutionCode="fixed_in_source" stuckSince={item.since} askReason />}
    </span>
  );
}

const SNOOZES: [string, number][] = [['1 day', 1], ['3 days', 3], ['1 week', 7], ['2 weeks', 14], ['30 days', 30]];
const DAY = 86_400_000;
/** The day (UTC, as the app shows times) `days` from now, YYYY-MM-DD: what a date input speaks. */
const utcDay = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

/** Snooze a row for a while, or until a day picked (its start, UTC): it leaves "needs work" until then (the queues' state filter). */
function SnoozeMenu({ item }: { item: Pick<StuckItem, 'id' | 'entity_key' | 'since'> & { rule: string; ownerRole?: Role } }) {
  return (
    <ActionMenu
      kind="snooze"
      rule={item.rule}
      owner={item.ownerRole}
      placeholder="Snooze…"
      ariaLabel={`Snooze ${item.entity_key}`}
      testId="snooze-select"
      options={SNOOZES.map(([label, days]) => ({ value: String(days), label }))}
      date={{ label: 'Until a day…', min: utcDay(1), max: utcDay(365) }}
      request={({ value, label }) => {
        const picked = /^\d{4}-\d\d-\d\d$/.test(value);
        const until = picked ? new Date(`${value}T00:00:00Z`) : new Date(Date.now() + Number(value) * DAY);
        const what = picked ? label : `for ${label}`;
        return [
          { kind: 'snooze', exception_id: item.id, until: until.toISOString(), stuck_since: item.since, reason: `snoozed ${what} from ${window.location.pathname}` },
          `Snooze ${item.entity_key} ${what}`,
        ];
      }}
    />
  );
}

/** A stuck row's workflow state (open, acknowledged, snoozed — until when — resolved), who it is assigned to, and (hover) who set it when. */
export function ExceptionState({ item }: { item: Pick<StuckItem, 'state' | 'assignee' | 'state_by' | 'state_at'> & { snoozed_until?: string } }) {
  const set = item.state_by ? `${item.state} by ${item.state_by}${item.state_at ? ` on ${item.state_at.slice(0, 16).replace('T', ' ')} UTC` : ''}` : undefined;
  return (
    <>
      <span className={`badge ${item.state === 'open' ? '' : 'ok'}`} title={set} data-testid="exception-state">{item.state}</span>
      {item.snoozed_until && <span className="muted" title={item.snoozed_until}> until {item.snoozed_until.slice(0, 10)}</span>}
      {item.assignee && <span className="muted"> · {item.assignee}</span>}
    </>
  );
}
