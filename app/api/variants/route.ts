// GET /api/variants (+ the shared filters, limit, format=csv): the most common journey
// paths, their share, and conformance to the expected path per billing model.

import { VARIANT_CSV_COLUMNS, variantsQuerySchema } from '@/lib/contracts/variants';
import { csvResponse } from '@/lib/http/csv';
import { route } from '@/lib/http/route';
import { getVariants } from '@/lib/queries/get-variants';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'deals:read', query: variantsQuerySchema }, async ({ query, rt }) => {
  const r = await getVariants(rt.store, query);
  if (query.format !== 'csv') return r;
  return csvResponse(
    'variants.csv',
    VARIANT_CSV_COLUMNS,
    r.variants.map((v) => ({ ...v, path: v.path.join(' > '), missing: v.missing.join(' '), reordered: v.reordered.join(' '), extra: v.extra.join(' ') })),
  );
});
