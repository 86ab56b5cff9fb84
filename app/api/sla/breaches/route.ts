// GET /api/sla/breaches?policy=&kind=open|late&by=<dimension>&limit=&cursor= (+ filters):
// breaches computed from the events now, per policy, over time and by dimension.

import { slaBreachesQuerySchema } from '@/lib/contracts/sla';
import { route } from '@/lib/http/route';
import { csvResponse } from '@/lib/http/csv';
import { getSlaBreaches } from '@/lib/queries/get-sla-breaches';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'sla:read', query: slaBreachesQuerySchema }, async ({ query, rt }) => {
  const r = await getSlaBreaches(rt.store, query.format === 'csv' ? { ...query, limit: 1000 } : query);
  if (query.format === 'csv') {
    return csvResponse('sla-breaches.csv', ['policy_id', 'severity', 'kind', 'entity_key', 'correlation_id', 'customer', 'started_at', 'ended_at', 'late_hours', 'value'], r.breaches);
  }
  return r;
});
