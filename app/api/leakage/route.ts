// GET /api/leakage?category=&limit=&cursor= (+ filters): leakage by category, trend, aging
// and the records behind it; ?format=csv exports every record the query matches.

import { leakageQuerySchema } from '@/lib/contracts/leakage';
import { route } from '@/lib/http/route';
import { everyPage, csvResponse, exportAsOf } from '@/lib/http/csv';
import { getLeakage, getLeakageRecords } from '@/lib/queries/get-leakage';
import { notAllowed } from '@/lib/http/methods';
import { valueCurrencyColumn } from '@/lib/money/rates';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'leakage:read', query: leakageQuerySchema }, async ({ query, rt }) => {
  if (query.format === 'csv') {
    // the figures (and the total) for the first page only
    const q = exportAsOf(query);
    const records = everyPage(async (cursor, limit) => {
      if (!cursor) {
        const r = await getLeakage(rt.store, { ...q, limit });
        return { rows: r.records, next: r.next_cursor, total: r.records_total };
      }
      const r = await getLeakageRecords(rt.store, { ...q, cursor, limit });
      return { rows: r.records, next: r.next_cursor };
    }, (x) => `${x.category}|${x.correlation_id}|${x.entity_key}|${x.at}|${x.detail}`);
    return csvResponse('leakage.csv', ['category', 'entity_key', 'correlation_id', 'customer', 'at', 'amount', 'currency', 'value', 'detail'], records, valueCurrencyColumn());
  }
  return getLeakage(rt.store, query);
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
