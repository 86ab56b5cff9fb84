// GET /api/resolve?key=source:type:id ▶ {"correlation_id"} of the deal holding that key; 404 when none.

import { resolveQuerySchema, type ResolveResponse } from '@/lib/contracts/deals';
import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { resolveKey } from '@/lib/queries/resolve-key';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'deals:read', query: resolveQuerySchema }, async ({ query, rt }): Promise<ResolveResponse> => {
  const correlationId = await resolveKey(rt.store, query.key);
  if (!correlationId) throw errors.notFound(`no deal has the key ${query.key}`);
  return { correlation_id: correlationId };
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
