// GET /api/kpis (+ the shared filters, now): every executive KPI, the cash waterfall and
// breakdowns. ?format=csv returns the KPI table.

import { kpisQuerySchema } from '@/lib/contracts/kpis';
import { route } from '@/lib/http/route';
import { csvResponse } from '@/lib/http/csv';
import { getKpis } from '@/lib/queries/get-kpis';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'kpis:read', query: kpisQuerySchema }, async ({ query, rt }) => {
  const r = await getKpis(rt.store, query);
  if (query.format === 'csv') {
    return csvResponse('kpis.csv', ['id', 'label', 'unit', 'value', 'p50', 'p90', 'n', 'target', 'previous', 'previous_n', 'change'], r.kpis);
  }
  return r;
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
