// GET /api/variants (+ the shared filters, limit, format=csv): the most common journey
// paths, their share, and conformance to the expected path per billing model; conforming=
// yes|no keeps the paths on or off it (format=csv: every such variant, whatever the limit).

import { VARIANT_CSV_COLUMNS, variantsQuerySchema } from '@/lib/contracts/variants';
import { CSV_LIST_MAX_ROWS, csvResponse, wholeList } from '@/lib/http/csv';
import { route } from '@/lib/http/route';
import { getVariants } from '@/lib/queries/get-variants';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'deals:read', query: variantsQuerySchema }, async ({ query, rt }) => {
  if (query.format !== 'csv') return getVariants(rt.store, query);
  const r = await getVariants(rt.store, { ...query, limit: CSV_LIST_MAX_ROWS + 1 });
  return csvResponse(
    'variants.csv',
    VARIANT_CSV_COLUMNS,
    wholeList(r.variants, r.matching_variants).map((v) => ({ ...v, path: v.path.join(' > '), missing: v.missing.join(' '), reordered: v.reordered.join(' '), extra: v.extra.join(' ') })),
  );
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
