// GET /api/traces?correlation_id=: the traces of one deal (the deal page links to them);
// `format=csv` exports the list.

import { route } from '@/lib/http/route';
import { csvResponse } from '@/lib/http/csv';
import { DEAL_TRACE_CSV_COLUMNS, dealTracesQuerySchema, type DealTracesResponse } from '@/lib/contracts/integrations';
import { getDealTraces } from '@/lib/queries/get-deal-traces';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'integrations:read', query: dealTracesQuerySchema }, async ({ query, rt }) => {
  const traces = await getDealTraces(rt.store, { correlation_id: query.correlation_id });
  if (query.format === 'csv') return csvResponse('traces.csv', DEAL_TRACE_CSV_COLUMNS, traces);
  const body: DealTracesResponse = { correlation_id: query.correlation_id, traces };
  return body;
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
