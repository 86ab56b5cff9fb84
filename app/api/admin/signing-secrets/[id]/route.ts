// POST /api/admin/signing-secrets/{id}: rotate — a new secret for the same source (generated,
// or `secret` as the vendor issued it; shown once) beside this one, which keeps verifying
// until it is revoked. DELETE: revoke. Admin only; audited without the secret.

import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { readJson } from '@/lib/http/json';
import { rotateSigningSecretSchema } from '@/lib/contracts/auth';
import { revokeSigningSecret, rotateSigningSecret } from '@/lib/auth/signing-secrets';
import { actorOf, clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

type P = { id: string };

export const POST = route<Record<string, never>, P>({ permission: 'admin' }, async ({ req, rt, principal, params }) => {
  const body = await readJson(req, rotateSigningSecretSchema);
  const r = await rotateSigningSecret(rt.store, params.id, { secret: body.secret, created_by: principal.name });
  if (!r) throw errors.notFound('no such active signing secret');
  await recordAudit(rt.store, [
    { actor: actorOf(principal), action: 'signing_secret.rotate', target: r.row.id, reason: body.reason, outcome: 'ok', details: { source: r.row.source, rotated_from: params.id, origin: r.row.origin, fingerprint: r.row.fingerprint }, ip: clientIp(req) },
  ]);
  return Response.json({ secret: r.secret, signing_secret: r.row }, { status: 201 });
});

export const DELETE = route<Record<string, never>, P>({ permission: 'admin' }, async ({ req, rt, principal, params }) => {
  const row = await revokeSigningSecret(rt.store, params.id);
  if (!row) throw errors.notFound('no such signing secret');
  await recordAudit(rt.store, [{ actor: actorOf(principal), action: 'signing_secret.revoke', target: params.id, outcome: 'ok', details: { source: row.source, fingerprint: row.fingerprint }, ip: clientIp(req) }]);
  return { signing_secret: row };
});

export const { GET, PUT, PATCH } = notAllowed('POST', 'DELETE');
