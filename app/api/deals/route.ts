// GET /api/deals?q=&stage=&limit=&cursor= (+ the shared filters): the deals list.

import { dealsQuerySchema } from '@/lib/contracts/deals';
import { route } from '@/lib/http/route';
import { getDeals } from '@/lib/queries/get-deals';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'deals:read', query: dealsQuerySchema }, async ({ query, rt }) => getDeals(rt.store, query));
