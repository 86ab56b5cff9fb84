// GET /api/admin/users: every user (no password hashes). POST: create a user; without a
// password a random one is generated and returned once. Admin only; audited.

import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { readJson } from '@/lib/http/json';
import { createUserSchema } from '@/lib/contracts/auth';
import { createUser, listUsers, publicUser, UserExistsError } from '@/lib/auth/users';
import { randomPassword } from '@/lib/auth/passwords';
import { actorOf, clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'admin' }, async ({ rt }) => ({ users: (await listUsers(rt.store)).map(publicUser) }));

export const POST = route({ permission: 'admin' }, async ({ req, rt, principal }) => {
  const body = await readJson(req, createUserSchema);
  const password = body.password ?? randomPassword();
  try {
    const user = await createUser(rt.store, { username: body.username, display_name: body.display_name, role: body.role, password });
    await recordAudit(rt.store, [
      { actor: actorOf(principal), action: 'user.create', target: user.username, reason: body.reason, outcome: 'ok', details: { role: user.role }, ip: clientIp(req) },
    ]);
    return Response.json({ user: publicUser(user), ...(body.password ? {} : { password }) }, { status: 201 });
  } catch (err) {
    if (err instanceof UserExistsError) throw errors.conflict(err.message);
    throw err;
  }
});

export const { PUT, PATCH, DELETE } = notAllowed('GET', 'POST');
