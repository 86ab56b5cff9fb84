// /deals: search any key a user knows, filter by stage, page through deals.
// The first page is computed while the page renders (app/_components/prefetch.tsx).
import { DEALS_PAGE_SIZE, dealsQuerySchema, dealsResponseSchema } from '@/lib/contracts/deals';
import { getDeals } from '@/lib/queries/get-deals';
import { prefetch, PrefetchedPage, type SearchParams } from '@/app/_components/prefetch';
import { queryString } from '@/app/_hooks/fetch-json';
import { DealsView } from './_components/deals-view';

export default function DealsPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <PrefetchedPage
      fallback="Loading deals…"
      searchParams={searchParams}
      entry={(filters, url) => {
        // as useDeals builds its key: filters, then q, stage, path, cursor (none on the first page), limit
        const params = { ...filters, q: url.q || undefined, stage: url.stage || undefined, path: url.path || undefined, limit: DEALS_PAGE_SIZE };
        return prefetch({ key: ['deals', queryString(params)], permission: 'deals:read', query: dealsQuerySchema, params, load: (rt, q) => getDeals(rt.store, q), response: dealsResponseSchema });
      }}
    >
      <DealsView />
    </PrefetchedPage>
  );
}
