'use client';
// Assigning stuck items to people: the assign menu of a queue row (AssignMenu: whoever may
// work the item — lib/auth/role-matrix.ts assigneeRefusal, the check the server makes — or
// nobody), a queue's "assigned to" filter (AssigneeFilter: anyone, me, nobody, a person) and
// its state filter (StateFilter: any, needs work — a snoozed item hidden until its snooze runs
// out, a resolved one for good — snoozed, resolved).

import type { StuckItem } from '@/lib/contracts/stuck';
import { ANY_ASSIGNEE, UNASSIGNED, type Assignee } from '@/lib/contracts/actions';
import { assigneeRefusal } from '@/lib/auth/role-matrix';
import type { Role } from '@/lib/auth/roles';
import { useAssignees } from '@/app/_hooks/use-views';
import { ActionMenu } from './action-button';
import { useMe } from './use-me';

/** The people a signed-in user may pick (none for those who take no actions: the list is refused them). */
function usePeople() {
  const { data: me } = useMe();
  const canAct = !!me?.permissions.includes('actions:write');
  const people = useAssignees(canAct);
  return { me, canAct, people: people.data?.users ?? [], holders: people.data?.holders ?? [] };
}

const nameOf = (u: Assignee, myName?: string) => (u.username === myName ? `Me (${u.display_name})` : `${u.display_name} (${u.username})`);

export function AssignMenu({ item }: { item: Pick<StuckItem, 'id' | 'entity_key' | 'since' | 'assignee'> & { rule: string; ownerRole?: Role } }) {
  const { me, people } = usePeople();
  const mine = me?.user.username;
  // me first, then the others by name; once assigned, "nobody" last
  const options = people
    .filter((u) => u.username !== item.assignee && !assigneeRefusal(u.role as Role, item.rule, item.ownerRole))
    .sort((a, b) => (a.username === mine ? -1 : b.username === mine ? 1 : a.display_name.localeCompare(b.display_name)))
    .map((u) => ({ value: u.username, label: nameOf(u, mine) }));
  if (item.assignee) options.push({ value: UNASSIGNED, label: 'Nobody (unassign)' });
  return (
    <ActionMenu
      kind="assign"
      rule={item.rule}
      owner={item.ownerRole}
      placeholder={item.assignee ? 'Reassign…' : 'Assign…'}
      ariaLabel={`Assign ${item.entity_key}`}
      testId="assign-select"
      options={options}
      request={({ value }) => {
        const who = value === UNASSIGNED ? '' : value;
        return [
          { kind: 'assign', exception_id: item.id, assignee: who, stuck_since: item.since, reason: `${who ? `assigned to ${who}` : 'unassigned'} from ${window.location.pathname}` },
          who ? `Assign ${item.entity_key} to ${who}` : `Unassign ${item.entity_key}`,
        ];
      }}
    />
  );
}

/** A queue's "assigned to" filter: '' anyone, a username, UNASSIGNED or ANY_ASSIGNEE (someone). */
export function AssigneeFilter({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId: string }) {
  const { me, canAct, people, holders } = usePeople();
  const mine = me?.user.username;
  const others = people.filter((u) => u.username !== mine);
  // a value no list has (typed into the address, say) still shows what it filters by
  const unknown = value && value !== UNASSIGNED && value !== ANY_ASSIGNEE && value !== mine && !others.some((u) => u.username === value) && !holders.some((u) => u.username === value);
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="Assigned to" data-testid={testId}>
      <option value="">Assigned to anyone</option>
      {canAct && mine && <option value={mine}>Assigned to me</option>}
      <option value={UNASSIGNED}>Assigned to nobody</option>
      <option value={ANY_ASSIGNEE}>Assigned to someone</option>
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

/** The state filter's choices (EXCEPTION_STATE_FILTERS) as the page names them, and as an empty list's message says them. */
const STATE_CHOICES: { value: string; label: string; words: string }[] = [
  { value: 'active', label: 'Needs work', words: 'needing work' },
  { value: 'snoozed', label: 'Snoozed', words: 'snoozed' },
  { value: 'resolved', label: 'Resolved', words: 'resolved' },
];

/** A queue's state filter: '' any state, or one of EXCEPTION_STATE_FILTERS. */
export function StateFilter({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId: string }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="State" data-testid={testId}>
      <option value="">Any state</option>
      {STATE_CHOICES.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}

/** What a queue's assignee and state filters keep, for its empty message: " assigned to fiona (needing work)". */
export function filterWords(f: { assignee?: string; state?: string }): string {
  const who = !f.assignee ? '' : f.assignee === UNASSIGNED ? ' assigned to nobody' : f.assignee === ANY_ASSIGNEE ? ' assigned to someone' : ` assigned to ${f.assignee}`;
  const state = STATE_CHOICES.find((c) => c.value === f.state);
  return `${who}${state ? ` (${state.words})` : ''}`;
}
