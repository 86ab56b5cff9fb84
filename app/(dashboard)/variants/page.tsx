// /variants: the most common journey paths, their share and conformance to the expected path.
// Computed while the page renders (app/_components/prefetch.tsx): the paths are in the first paint.
import { Suspense } from 'react';
import { VARIANTS_SHOWN, variantsQuerySchema } from '@/lib/contracts/variants';
import { getVariants } from '@/lib/queries/get-variants';
import { Prefetched, urlFilters, type SearchParams } from '@/app/_components/prefetch';
import { queryString } from '@/app/_hooks/fetch-json';
import { VariantsView } from './_components/variants-view';

export default function VariantsPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <Suspense fallback={<div className="loading">Loading variants…</div>}>
      <Variants searchParams={searchParams} />
    </Suspense>
  );
}

async function Variants({ searchParams }: { searchParams: SearchParams }) {
  const params = { ...(await urlFilters(searchParams)), limit: VARIANTS_SHOWN };
  return (
    <Prefetched entry={{ key: ['variants', queryString(params)], permission: 'deals:read', query: variantsQuerySchema, params, load: (rt, q) => getVariants(rt.store, q) }}>
      <VariantsView />
    </Prefetched>
  );
}
