// POST /api/admin/tokens/{id}: rotate (new value, shown once; the old one stops working).
// DELETE: revoke. Admin only; audited.

import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { revokeToken, rotateToken } from '@/lib/auth/api-tokens';
import { actorOf, clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const POST = route<Record<string, never>, { id: string }>({ permission: 'admin' }, async ({ req, rt, principal, params }) => {
  const r = await rotateToken(rt.store, params.id);
  if (!r) throw errors.notFound('no such active token');
  await recordAudit(rt.store, [{ actor: actorOf(principal), action: 'token.rotate', target: params.id, outcome: 'ok', ip: clientIp(req) }]);
  return { token: r.token, api_token: r.row };
});

export const DELETE = route<Record<string, never>, { id: string }>({ permission: 'admin' }, async ({ req, rt, principal, params }) => {
  const row = await revokeToken(rt.store, params.id);
  if (!row) throw errors.notFound('no such token');
  await recordAudit(rt.store, [{ actor: actorOf(principal), action: 'token.revoke', target: params.id, outcome: 'ok', ip: clientIp(req) }]);
  return { api_token: row };
});

export const { GET, PUT, PATCH } = notAllowed('POST', 'DELETE');
