// GET /api/orphans: events not yet stitched to a deal, oldest first, with age and the
// references they wait for; filters source, type, from/to, `now`; `format=csv` exports every
// orphan the query matches.

import { route } from '@/lib/http/route';
import { everyPage, csvResponse } from '@/lib/http/csv';
import { ORPHAN_CSV_COLUMNS, orphansQuerySchema, type OrphansResponse } from '@/lib/contracts/integrations';
import { getOrphans } from '@/lib/queries/get-orphans';
import { notAllowed } from '@/lib/http/methods';
import { PAGE_LIMIT_MAX } from '@/lib/queries/page';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'integrations:read', query: orphansQuerySchema }, async ({ query, rt }) => {
  const { format, ...params } = query;
  if (format === 'csv') {
    const items = everyPage(async (cursor, limit) => {
      const r = await getOrphans(rt.store, { ...params, cursor, limit });
      return { rows: r.items, next: r.next_cursor, total: r.total };
    }, (o) => o.event_id, { pageSize: PAGE_LIMIT_MAX });
    return csvResponse('orphans.csv', ORPHAN_CSV_COLUMNS, items);
  }
  const result: OrphansResponse = await getOrphans(rt.store, params);
  return result;
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
