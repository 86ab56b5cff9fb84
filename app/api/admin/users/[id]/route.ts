// PATCH /api/admin/users/{id}: change role, name or password, disable or re-enable.
// Admin only; audited (the password itself never is).

import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { readJson } from '@/lib/http/json';
import { updateUserSchema } from '@/lib/contracts/auth';
import { publicUser, updateUser } from '@/lib/auth/users';
import { actorOf, clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const PATCH = route<Record<string, never>, { id: string }>({ permission: 'admin' }, async ({ req, rt, principal, params }) => {
  const body = await readJson(req, updateUserSchema);
  if (params.id === principal.id && (body.disabled || (body.role && body.role !== 'admin'))) {
    throw errors.badRequest('you cannot disable yourself or remove your own admin role');
  }
  const user = await updateUser(rt.store, params.id, body);
  if (!user) throw errors.notFound('no such user');
  const { password, reason, ...changed } = body;
  await recordAudit(rt.store, [
    { actor: actorOf(principal), action: 'user.update', target: user.username, reason, outcome: 'ok', details: { ...changed, ...(password ? { password: 'changed' } : {}) }, ip: clientIp(req) },
  ]);
  return { user: publicUser(user) };
});

export const { GET, POST, PUT, DELETE } = notAllowed('PATCH');
