// GET /api/flows/failures?flow_source=&flow_target=: the failing runs of one flow, newest
// first (status=open: not recovered yet), paginated; `format=csv` exports every failing run
// the query matches.

import { route } from '@/lib/http/route';
import { everyPage, csvResponse } from '@/lib/http/csv';
import { FLOW_FAILURE_CSV_COLUMNS, flowFailuresQuerySchema, type FlowFailuresResponse } from '@/lib/contracts/integrations';
import { getFlowFailures } from '@/lib/queries/get-flow-failures';
import { notAllowed } from '@/lib/http/methods';
import { PAGE_LIMIT_MAX } from '@/lib/queries/page';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'integrations:read', query: flowFailuresQuerySchema }, async ({ query, rt }) => {
  const { format, ...params } = query;
  if (format === 'csv') {
    const items = everyPage(async (cursor, limit) => {
      const r = await getFlowFailures(rt.store, { ...params, cursor, limit });
      return { rows: r.items, next: r.next_cursor, total: r.total };
    }, (f) => `${f.origin}|${f.run_id}`, { pageSize: PAGE_LIMIT_MAX });
    return csvResponse(`flow-failures-${params.flow_source}-${params.flow_target}.csv`, FLOW_FAILURE_CSV_COLUMNS, items);
  }
  const result: FlowFailuresResponse = await getFlowFailures(rt.store, params);
  return result;
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
