'use client';
// Assigning stuck items to people: the assign menu of a queue row (AssignMenu: whoever may
// work the item — lib/auth/role-matrix.ts assigneeRefusal, the check the server makes — or
// nobody), a queue's "assigned to" filter (AssigneeFilter: anyone, me, nobody, a person) and
// its state filter (StateFilter: any, needs work — a snoozed item hidden until its snooze runs
// out, a resolved one for good — snoozed, resolved).

import { useCallback } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { StuckItem } from '@/lib/contracts/stuck';
import { UNASSIGNED, type Assignee } from '@/lib/contracts/actions';
import { actionRefusal, assigneeRefusal } from '@/lib/auth/role-matrix';
import type { Role } from '@/lib/auth/roles';
import { useAssignees } from '@/app/_hooks/use-views';
import { ActionProgress, useTrackedAction } from './action-button';
import { useMe } from './use-me';
import styles from './action-button.module.css';

/** Reloads the queues (their items and who holds them) at once, not at their next poll: for a workflow change just made. */
export function useRefreshQueues(): () => void {
  const qc = useQueryClient();
  return useCallback(() => void qc.invalidateQueries({ predicate: (q) => ['stuck-items', 'unstaffed', 'stuck-workload'].includes(String(q.queryKey[0])) }), [qc]);
}

/** The people a signed-in user may pick (none for those who take no actions: the list is refused them). */
function usePeople() {
  const { data: me } = useMe();
  const canAct = !!me?.permissions.includes('actions:write');
  const people = useAssignees(canAct);
  return { me, canAct, people: people.data?.users ?? [], holders: people.data?.holders ?? [] };
}

const nameOf = (u: Assignee, myName?: string) => (u.username === myName ? `Me (${u.display_name})` : `${u.display_name} (${u.username})`);

export function AssignMenu({ item }: { item: Pick<StuckItem, 'id' | 'entity_key' | 'since' | 'assignee'> & { rule: string } }) {
  const { me, people } = usePeople();
  const t = useTrackedAction(useRefreshQueues());
  if (!me || actionRefusal(me.user.role, 'assign', { rule: item.rule })) return null;
  const mine = me.user.username;
  // me first, then the others by name
  const eligible = people.filter((u) => !assigneeRefusal(u.role as Role, item.rule)).sort((a, b) => (a.username === mine ? -1 : b.username === mine ? 1 : a.display_name.localeCompare(b.display_name)));
  const choose = (value: string) => {
    const who = value === UNASSIGNED ? '' : value;
    void t.start(
      { kind: 'assign', exception_id: item.id, assignee: who, stuck_since: item.since, reason: `${who ? `assigned to ${who}` : 'unassigned'} from ${window.location.pathname}` },
      who ? `Assign ${item.entity_key} to ${who}` : `Unassign ${item.entity_key}`,
    );
  };
  return (
    <span className={styles.wrap} data-testid="assign">
      <select className={`${styles.button} ${styles.assign}`} value="" disabled={t.busy} onChange={(e) => choose(e.target.value)} aria-label={`Assign ${item.entity_key}`} data-testid="assign-select">
        <option value="" disabled>
          {item.assignee ? 'Reassign…' : 'Assign…'}
        </option>
        {eligible.filter((u) => u.username !== item.assignee).map((u) => (
          <option key={u.username} value={u.username}>
            {nameOf(u, mine)}
          </option>
        ))}
        {item.assignee && <option value={UNASSIGNED}>Nobody (unassign)</option>}
      </select>
      <ActionProgress t={t} />
    </span>
  );
}

/** A queue's "assigned to" filter: '' anyone, a username, or UNASSIGNED. */
export function AssigneeFilter({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId: string }) {
  const { me, canAct, people, holders } = usePeople();
  const mine = me?.user.username;
  const others = people.filter((u) => u.username !== mine);
  // a value no list has (typed into the address, say) still shows what it filters by
  const unknown = value && value !== UNASSIGNED && value !== mine && !others.some((u) => u.username === value) && !holders.some((u) => u.username === value);
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="Assigned to" data-testid={testId}>
      <option value="">Assigned to anyone</option>
      {canAct && mine && <option value={mine}>Assigned to me</option>}
      <option value={UNASSIGNED}>Assigned to nobody</option>
      {others.map((u) => (
        <option key={u.username} value={u.username}>
          Assigned to {u.display_name}
        </option>
      ))}
      {/* those who hold items but may take no more (disabled since): to find and reassign them */}
      {holders.map((u) => (
        <option key={u.username} value={u.username}>
          Assigned to {u.display_name} ({u.why})
        </option>
      ))}
      {unknown && <option value={value}>Assigned to {value}</option>}
    </select>
  );
}

/** A queue's state filter: '' any state, or one of EXCEPTION_STATE_FILTERS. */
export function StateFilter({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId: string }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="State" data-testid={testId}>
      <option value="">Any state</option>
      <option value="active">Needs work</option>
      <option value="snoozed">Snoozed</option>
      <option value="resolved">Resolved</option>
    </select>
  );
}
