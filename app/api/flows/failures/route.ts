// GET /api/flows/failures?flow_source=&flow_target=: the failing runs of one flow, newest
// first (status=open: not recovered yet), paginated; `format=csv` exports the page.

import { route } from '@/lib/http/route';
import { csvResponse } from '@/lib/http/csv';
import { FLOW_FAILURE_CSV_COLUMNS, flowFailuresQuerySchema, type FlowFailuresResponse } from '@/lib/contracts/integrations';
import { getFlowFailures } from '@/lib/queries/get-flow-failures';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'integrations:read', query: flowFailuresQuerySchema }, async ({ query, rt }) => {
  const { format, ...params } = query;
  const result: FlowFailuresResponse = await getFlowFailures(rt.store, params);
  if (format === 'csv') return csvResponse(`flow-failures-${params.flow_source}-${params.flow_target}.csv`, FLOW_FAILURE_CSV_COLUMNS, result.items);
  return result;
});
