// GET /api/deals?q=&stage=&limit=&cursor= (+ the shared filters): the deals list;
// format=csv: every deal the search and filters match, newest activity first.

import { DEAL_CSV_COLUMNS, dealsQuerySchema } from '@/lib/contracts/deals';
import { route } from '@/lib/http/route';
import { everyPage, csvResponse } from '@/lib/http/csv';
import { getDeals } from '@/lib/queries/get-deals';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'deals:read', query: dealsQuerySchema }, async ({ query, rt }) => {
  if (query.format !== 'csv') return getDeals(rt.store, query);
  const deals = everyPage(async (cursor, limit) => {
    const r = await getDeals(rt.store, { ...query, cursor, limit });
    return { rows: r.deals.map((d) => ({ ...d, overdue_items: r.overdue[d.correlation_id] ?? 0 })), next: r.next_cursor };
  }, (d) => d.correlation_id);
  return csvResponse('deals.csv', DEAL_CSV_COLUMNS, deals);
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
