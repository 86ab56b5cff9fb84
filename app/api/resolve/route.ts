// GET /api/resolve?key=source:type:id ▶ {"correlation_id"} of the deal holding that key; 404 when none.
// GET /api/resolve?id=INV-20417 ▶ {"correlation_id","key"} of the one deal holding a record of
// that ID in any system; 404 when none, 409 when several do (details.candidates: each deal
// and its key, to ask again by key).

import { RESOLVE_CANDIDATES_MAX, resolveQuerySchema, type ResolveResponse } from '@/lib/contracts/deals';
import { route } from '@/lib/http/route';
import { ApiError, errors } from '@/lib/http/errors';
import { dealsOfRecordId, resolveKey } from '@/lib/queries/resolve-key';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'deals:read', query: resolveQuerySchema }, async ({ query, rt }): Promise<ResolveResponse> => {
  if (query.key !== undefined) {
    const correlationId = await resolveKey(rt.store, query.key);
    if (!correlationId) throw errors.notFound(`no deal has the key ${query.key}`);
    return { correlation_id: correlationId };
  }
  const id = query.id!;
  const deals = await dealsOfRecordId(rt.store, id, RESOLVE_CANDIDATES_MAX);
  if (deals.length === 0) throw errors.notFound(`no deal has a record ${id}`);
  if (deals.length > 1) {
    throw new ApiError(409, 'ambiguous', `${deals.length === RESOLVE_CANDIDATES_MAX ? `${RESOLVE_CANDIDATES_MAX} or more` : deals.length} deals have a record ${id}: ask by its key (key=source:entity_type:id)`, { candidates: deals });
  }
  return deals[0];
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
