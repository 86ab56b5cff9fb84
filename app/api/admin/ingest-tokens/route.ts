// GET /api/admin/ingest-tokens: admin-made ingest tokens (never their values) and whether
// CASHTRACE_INGEST_TOKEN is configured. POST: create one (value in this response only),
// for every collector or one. Admin only; audited.

import { route } from '@/lib/http/route';
import { readJson } from '@/lib/http/json';
import { env } from '@/lib/env';
import { createIngestTokenSchema } from '@/lib/contracts/auth';
import { createIngestToken, listIngestTokens } from '@/lib/auth/ingest-tokens';
import { actorOf, clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'admin' }, async ({ rt }) => ({
  configured: { source: env().CASHTRACE_INGEST_TOKEN ? 'CASHTRACE_INGEST_TOKEN' : 'generated into the data directory', prefix: rt.ingestToken.slice(0, 14) },
  tokens: await listIngestTokens(rt.store),
}));

export const POST = route({ permission: 'admin' }, async ({ req, rt, principal }) => {
  const body = await readJson(req, createIngestTokenSchema);
  const { token, row } = await createIngestToken(rt.store, { name: body.name, scope: body.scope, created_by: principal.name });
  await recordAudit(rt.store, [{ actor: actorOf(principal), action: 'ingest_token.create', target: row.id, reason: body.reason, outcome: 'ok', details: { name: row.name, scope: row.scope }, ip: clientIp(req) }]);
  return Response.json({ token, ingest_token: row }, { status: 201 });
});

export const { PUT, PATCH, DELETE } = notAllowed('GET', 'POST');
