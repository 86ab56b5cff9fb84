// GET /api/traces/{traceId}: one trace's span waterfall, the canonical events carrying
// it and its deal; 400 for a malformed ID, 404 when no span or event has it.

import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import type { TraceResponse } from '@/lib/contracts/integrations';
import { getTrace, traceParamsSchema } from '@/lib/queries/get-trace';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route<Record<string, never>, { traceId: string }>({ permission: 'integrations:read' }, async ({ params, rt }) => {
  const trace: TraceResponse | null = await getTrace(rt.store, traceParamsSchema.parse({ trace_id: params.traceId }));
  if (!trace) throw errors.notFound('no span or event carries this trace id');
  return trace;
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
