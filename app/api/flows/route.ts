// GET /api/flows: flow health per integration flow (source → target) and its trend.
// Shared filters; `bucket=hour|day`; `format=csv` exports the flow table.

import { route } from '@/lib/http/route';
import { csvResponse } from '@/lib/http/csv';
import { FLOW_CSV_COLUMNS, flowsQuerySchema, type FlowsResponse } from '@/lib/contracts/integrations';
import { getFlows } from '@/lib/queries/get-flows';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'integrations:read', query: flowsQuerySchema }, async ({ query, rt }) => {
  const { format, ...params } = query;
  const result: FlowsResponse = await getFlows(rt.store, params);
  if (format === 'csv') return csvResponse('flows.csv', FLOW_CSV_COLUMNS, result.flows);
  return result;
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
