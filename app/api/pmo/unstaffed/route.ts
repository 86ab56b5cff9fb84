// GET /api/pmo/unstaffed (+ filters, limit): provisioned projects with nobody assigned.

import { z } from 'zod';
import { filtersSchema } from '@/lib/queries/filters';
import { route } from '@/lib/http/route';
import { csvResponse } from '@/lib/http/csv';
import { getUnstaffedProjects } from '@/lib/queries/get-unstaffed-projects';

export const dynamic = 'force-dynamic';

const query = filtersSchema.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  now: z.iso.datetime().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

export const GET = route({ permission: 'pmo:read', query }, async ({ query: q, rt }) => {
  const r = await getUnstaffedProjects(rt.store, q);
  if (q.format === 'csv') return csvResponse('unstaffed-projects.csv', ['entity_key', 'correlation_id', 'customer', 'since', 'late_hours', 'amount', 'currency', 'value'], r.items);
  return r;
});
