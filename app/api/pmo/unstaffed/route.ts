// GET /api/pmo/unstaffed (+ filters, limit): provisioned projects with nobody assigned.

import { route } from '@/lib/http/route';
import { csvResponse } from '@/lib/http/csv';
import { getUnstaffedProjects, unstaffedQuerySchema } from '@/lib/queries/get-unstaffed-projects';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'pmo:read', query: unstaffedQuerySchema }, async ({ query: q, rt }) => {
  const r = await getUnstaffedProjects(rt.store, q);
  if (q.format === 'csv') return csvResponse('unstaffed-projects.csv', ['entity_key', 'correlation_id', 'customer', 'since', 'late_hours', 'amount', 'currency', 'value'], r.items);
  return r;
});
