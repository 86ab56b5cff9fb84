// GET /api/ingest-health: Cashtrace's own ingest health. Events/s, lag, dead-letter rate
// and freshness come from ClickHouse (every writer's rows); batch sizes, insert latency
// and queue depth from this process's registry (see lib/observability/ingest-stats.ts);
// the store's, the bus's and the writer's state as GET /api/health gives it.

import { route } from '@/lib/http/route';
import { ingestHealthQuerySchema, type IngestHealthResponse } from '@/lib/contracts/integrations';
import { getIngestHealth } from '@/lib/queries/get-ingest-health';
import { ingestProcessStats } from '@/lib/observability/ingest-stats';
import { dependencyChecks } from '@/lib/observability/dependencies';
import { env } from '@/lib/env';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'integrations:read', query: ingestHealthQuerySchema }, async ({ query, rt }) => {
  const [health, dependencies] = await Promise.all([getIngestHealth(rt.store, query), dependencyChecks(rt, env().CLICKHOUSE_URL)]);
  const body: IngestHealthResponse = { ...health, process: ingestProcessStats(rt.batcher !== null), dependencies };
  return body;
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
