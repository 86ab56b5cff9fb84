// GET /api/admin/signing-secrets: admin-managed per-source signing secrets (never their
// values: prefix and fingerprint only), how many secrets each source's environment variable
// holds, and where the encryption key comes from. POST: create one for a source, generated
// in the vendor's shape or the one the vendor issued (value in this response only).
// Admin only; audited without the secret.

import { route } from '@/lib/http/route';
import { readJson } from '@/lib/http/json';
import { createSigningSecretSchema, SIGNING_SOURCES } from '@/lib/contracts/auth';
import { createSigningSecret, listSigningSecrets } from '@/lib/auth/signing-secrets';
import { secretsKeyInfo } from '@/lib/auth/secret-box';
import { envSecretsFor, SECRET_VARS } from '@/collectors/shared/signature';
import { actorOf, clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'admin' }, async ({ rt }) => ({
  sources: SIGNING_SOURCES.map((source) => ({ source, variable: SECRET_VARS[source], env_secrets: envSecretsFor(source).length })),
  key: secretsKeyInfo(),
  secrets: await listSigningSecrets(rt.store),
}));

export const POST = route({ permission: 'admin' }, async ({ req, rt, principal }) => {
  const body = await readJson(req, createSigningSecretSchema);
  const { secret, row } = await createSigningSecret(rt.store, { source: body.source, name: body.name, secret: body.secret, created_by: principal.name });
  await recordAudit(rt.store, [
    { actor: actorOf(principal), action: 'signing_secret.create', target: row.id, reason: body.reason, outcome: 'ok', details: { source: row.source, name: row.name, origin: row.origin, fingerprint: row.fingerprint }, ip: clientIp(req) },
  ]);
  return Response.json({ secret, signing_secret: row }, { status: 201 });
});

export const { PUT, PATCH, DELETE } = notAllowed('GET', 'POST');
