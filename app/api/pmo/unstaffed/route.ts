// GET /api/pmo/unstaffed (+ filters, q, limit, cursor): provisioned projects with nobody
// assigned, biggest contract first (format=csv: every one the filters match, whatever the
// limit and cursor, streamed page by page as of one instant).

import { route } from '@/lib/http/route';
import { csvResponse, everyPage, exportAsOf } from '@/lib/http/csv';
import { getUnstaffedProjects, unstaffedQuerySchema } from '@/lib/queries/get-unstaffed-projects';
import { notAllowed } from '@/lib/http/methods';
import { valueCurrencyColumn } from '@/lib/money/rates';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'pmo:read', query: unstaffedQuerySchema }, async ({ query: q, rt }) => {
  if (q.format === 'csv') {
    const at = exportAsOf(q);
    const items = everyPage(async (cursor, limit) => {
      const r = await getUnstaffedProjects(rt.store, { ...at, cursor, limit });
      return { rows: r.items, next: r.next_cursor, total: r.total };
    }, (i) => i.id);
    return csvResponse('unstaffed-projects.csv', ['entity_key', 'correlation_id', 'customer', 'since', 'late_hours', 'amount', 'currency', 'value', 'state', 'assignee', 'state_by', 'state_at', 'snoozed_until'], items, valueCurrencyColumn());
  }
  return getUnstaffedProjects(rt.store, q);
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
