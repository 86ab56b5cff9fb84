// /variants: the most common journey paths, their share and conformance to the expected path.
// Computed while the page renders (app/_components/prefetch.tsx): the paths are in the first paint.
import { VARIANTS_SHOWN, variantsQuerySchema, variantsResponseSchema } from '@/lib/contracts/variants';
import { getVariants } from '@/lib/queries/get-variants';
import { prefetch, PrefetchedPage, type SearchParams } from '@/app/_components/prefetch';
import { queryString } from '@/app/_hooks/fetch-json';
import { VariantsView } from './_components/variants-view';

export default function VariantsPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <PrefetchedPage
      fallback="Loading variants…"
      searchParams={searchParams}
      entry={(filters, url) => {
        // as useVariants builds its key: filters, conforming, limit
        const params = { ...filters, conforming: url.conforming || undefined, limit: VARIANTS_SHOWN };
        return prefetch({ key: ['variants', queryString(params)], permission: 'deals:read', query: variantsQuerySchema, params, load: (rt, q) => getVariants(rt.store, q), response: variantsResponseSchema });
      }}
    >
      <VariantsView />
    </PrefetchedPage>
  );
}
