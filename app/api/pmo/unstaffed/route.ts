// GET /api/pmo/unstaffed (+ filters, limit, offset): provisioned projects with nobody
// assigned, biggest contract first (format=csv: every one the filters match, whatever the
// limit and offset).

import { route } from '@/lib/http/route';
import { CSV_LIST_MAX_ROWS, csvResponse, wholeList } from '@/lib/http/csv';
import { getUnstaffedProjects, unstaffedQuerySchema } from '@/lib/queries/get-unstaffed-projects';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'pmo:read', query: unstaffedQuerySchema }, async ({ query: q, rt }) => {
  if (q.format === 'csv') {
    const r = await getUnstaffedProjects(rt.store, { ...q, limit: CSV_LIST_MAX_ROWS + 1, offset: 0 });
    return csvResponse('unstaffed-projects.csv', ['entity_key', 'correlation_id', 'customer', 'since', 'late_hours', 'amount', 'currency', 'value', 'state', 'assignee'], wholeList(r.items, r.total));
  }
  return getUnstaffedProjects(rt.store, q);
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
