// GET /api/assignees?rule=: the people stuck items may be assigned to — enabled, not an
// automation account, and (with rule) of a role that may work that queue's items
// (lib/auth/users.ts: assignmentRefusal, the check POST /api/actions makes on `assign`).
// For those who take actions: the queues' assign menus and bulk assignment.

import { assigneesQuerySchema, type Assignee } from '@/lib/contracts/actions';
import { assignableUsers } from '@/lib/auth/users';
import { route } from '@/lib/http/route';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'actions:write', query: assigneesQuerySchema }, async ({ query, rt }): Promise<{ users: Assignee[] }> => {
  const users = await assignableUsers(rt.store, query.rule);
  return { users: users.map((u) => ({ username: u.username, display_name: u.display_name, role: u.role })) };
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
