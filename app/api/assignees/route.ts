// GET /api/assignees?rule=: the people stuck items (and an SLA policy's open breaches) may be assigned to — enabled, not an
// automation account, and (with rule) of a role that may work that queue's items
// (lib/auth/users.ts: assignmentRefusal, the check POST /api/actions makes on `assign`) —
// and, as `holders`, those who hold items but may take no more (disabled since, or their role
// takes no actions now, with why): the queues filter by them so their items can be
// reassigned. For those who take actions: the queues' assign menus, their "assigned to"
// filters and bulk assignment.

import { assigneesQuerySchema, type AssigneesResponse } from '@/lib/contracts/actions';
import { assignmentRefusal, listUsers } from '@/lib/auth/users';
import { currentAssignees } from '@/lib/queries/exception-states';
import { workOwner } from '@/lib/queries/get-sla-policies';
import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'actions:write', query: assigneesQuerySchema }, async ({ query, rt }): Promise<AssigneesResponse> => {
  const rule = query.rule;
  // a queue's items, or an SLA policy's open breaches: its owner's
  const [all, holding, owner] = await Promise.all([listUsers(rt.store), currentAssignees(rt.store), rule ? workOwner(rt.store, rule) : null]);
  if (rule && !owner) throw errors.badRequest(`no queue or SLA policy ${JSON.stringify(rule)}`);
  const byName = new Map(all.map((u) => [u.username, u]));
  const users = all.filter((u) => !assignmentRefusal(u, rule, owner ?? undefined)).map((u) => ({ username: u.username, display_name: u.display_name, role: u.role }));
  const holders = holding.flatMap((name) => {
    const u = byName.get(name);
    const why = u ? assignmentRefusal(u) : 'no such user now';
    return why ? [{ username: name, display_name: u?.display_name ?? name, why }] : [];
  });
  return { users, holders };
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
