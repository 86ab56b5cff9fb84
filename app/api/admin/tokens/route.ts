// GET /api/admin/tokens: personal API tokens (never their values). POST: create one for a
// user (default: yourself); the value is in this response only. Admin only; audited.

import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { readJson } from '@/lib/http/json';
import { createTokenSchema } from '@/lib/contracts/auth';
import { createToken, listTokens } from '@/lib/auth/api-tokens';
import { getUserById } from '@/lib/auth/users';
import { actorOf, clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'admin' }, async ({ rt }) => ({ tokens: await listTokens(rt.store) }));

export const POST = route({ permission: 'admin' }, async ({ req, rt, principal }) => {
  const body = await readJson(req, createTokenSchema);
  const owner = await getUserById(rt.store, body.user_id ?? principal.id);
  if (!owner || owner.disabled) throw errors.badRequest('the token owner must be an active user');
  const { token, row } = await createToken(rt.store, { user_id: owner.id, name: body.name, created_by: principal.name });
  await recordAudit(rt.store, [
    { actor: actorOf(principal), action: 'token.create', target: row.id, reason: body.reason, outcome: 'ok', details: { owner: owner.username, role: owner.role, name: row.name }, ip: clientIp(req) },
  ]);
  return Response.json({ token, api_token: row }, { status: 201 });
});

export const { PUT, PATCH, DELETE } = notAllowed('GET', 'POST');
