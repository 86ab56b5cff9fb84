// GET /api/leakage?category=&limit=&cursor= (+ filters): leakage by category, trend, aging
// and the records behind it; ?format=csv exports the records.

import { leakageQuerySchema } from '@/lib/contracts/leakage';
import { route } from '@/lib/http/route';
import { csvResponse } from '@/lib/http/csv';
import { getLeakage } from '@/lib/queries/get-leakage';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'leakage:read', query: leakageQuerySchema }, async ({ query, rt }) => {
  const r = await getLeakage(rt.store, query.format === 'csv' ? { ...query, limit: 1000 } : query);
  if (query.format === 'csv') {
    return csvResponse('leakage.csv', ['category', 'entity_key', 'correlation_id', 'customer', 'at', 'amount', 'currency', 'value', 'detail'], r.records);
  }
  return r;
});
