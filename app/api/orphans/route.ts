// GET /api/orphans: events not yet stitched to a deal, oldest first, with age and the
// references they wait for; filters source, type, from/to, `now`; `format=csv`.

import { route } from '@/lib/http/route';
import { csvResponse } from '@/lib/http/csv';
import { ORPHAN_CSV_COLUMNS, orphansQuerySchema, type OrphansResponse } from '@/lib/contracts/integrations';
import { getOrphans } from '@/lib/queries/get-orphans';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'integrations:read', query: orphansQuerySchema }, async ({ query, rt }) => {
  const { format, ...params } = query;
  const result: OrphansResponse = await getOrphans(rt.store, params);
  if (format === 'csv') return csvResponse('orphans.csv', ORPHAN_CSV_COLUMNS, result.items);
  return result;
});
