// GET /api/actions/stats?from&to&rule: the exception-workflow KPI — items per workflow
// state and time to resolve (p50 / p90 / mean hours), overall and per stuck rule.

import { route } from '@/lib/http/route';
import { exceptionStatsParamsSchema, getExceptionStats } from '@/lib/queries/get-exception-stats';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'kpis:read', query: exceptionStatsParamsSchema }, async ({ rt, query }) => getExceptionStats(rt.store, query));

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
