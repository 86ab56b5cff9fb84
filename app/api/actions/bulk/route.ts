// POST /api/actions/bulk (Idempotency-Key required): one action per selected item, or
// with "dry_run": true what would happen to each, without doing anything.

import { route } from '@/lib/http/route';
import { readJson } from '@/lib/http/json';
import { bulkRequestSchema } from '@/lib/contracts/actions';
import { readIdempotencyKey } from '@/lib/actions/create';
import { runBulk } from '@/lib/actions/bulk';
import { clientIp } from '@/lib/audit/record';
import { ensureActionServices } from '@/collectors/connectors/services';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const POST = route({ permission: 'actions:write' }, async ({ req, rt, principal }) => {
  await ensureActionServices(rt);
  const key = readIdempotencyKey(req);
  const body = await readJson(req, bulkRequestSchema, 1024 * 1024);
  return runBulk(rt, principal, body, key, clientIp(req));
});

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
