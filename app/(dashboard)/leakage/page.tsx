// /leakage — money earned or owed but not billed or collected on time, down to the records.
// The categories and the first page of records are computed while the page renders
// (app/_components/prefetch.tsx), with the keys LeakageView asks for.
import { LEAKAGE_CATEGORIES, LEAKAGE_PAGE_SIZE, leakageQuerySchema, leakageResponseSchema } from '@/lib/contracts/leakage';
import { getLeakage } from '@/lib/queries/get-leakage';
import { AreaGuard } from '../_components/area-guard';
import { prefetch, PrefetchedPage, type SearchParams } from '@/app/_components/prefetch';
import { queryString } from '@/app/_hooks/fetch-json';
import { LeakageView } from './_components/leakage-view';

const entry = (params: Record<string, string | number>) =>
  prefetch({ key: ['leakage', queryString(params)], permission: 'leakage:read', query: leakageQuerySchema, params, load: (rt, q) => getLeakage(rt.store, q), response: leakageResponseSchema });

export default function LeakagePage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <AreaGuard area="/leakage" title="Revenue leakage">
      <PrefetchedPage
        fallback="Loading leakage…"
        searchParams={searchParams}
        entry={(filters, url) => {
          const category = LEAKAGE_CATEGORIES.find((c) => c === url.category);
          return [entry({ ...filters, limit: 1 }), entry({ ...filters, ...(category ? { category } : {}), limit: LEAKAGE_PAGE_SIZE })];
        }}
      >
        <LeakageView />
      </PrefetchedPage>
    </AreaGuard>
  );
}
