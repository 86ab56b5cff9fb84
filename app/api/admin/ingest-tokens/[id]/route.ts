// POST /api/admin/ingest-tokens/{id}: rotate (new value shown once). DELETE: revoke.
// Admin only; audited.

import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { revokeIngestToken, rotateIngestToken } from '@/lib/auth/ingest-tokens';
import { actorOf, clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

type P = { id: string };

export const POST = route<Record<string, never>, P>({ permission: 'admin' }, async ({ req, rt, principal, params }) => {
  const r = await rotateIngestToken(rt.store, params.id);
  if (!r) throw errors.notFound('no such active ingest token');
  await recordAudit(rt.store, [{ actor: actorOf(principal), action: 'ingest_token.rotate', target: params.id, outcome: 'ok', ip: clientIp(req) }]);
  return { token: r.token, ingest_token: r.row };
});

export const DELETE = route<Record<string, never>, P>({ permission: 'admin' }, async ({ req, rt, principal, params }) => {
  const row = await revokeIngestToken(rt.store, params.id);
  if (!row) throw errors.notFound('no such ingest token');
  await recordAudit(rt.store, [{ actor: actorOf(principal), action: 'ingest_token.revoke', target: params.id, outcome: 'ok', ip: clientIp(req) }]);
  return { ingest_token: row };
});

export const { GET, PUT, PATCH } = notAllowed('POST', 'DELETE');
