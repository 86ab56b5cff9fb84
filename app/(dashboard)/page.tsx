// / — the executive overview: are we converting bookings to cash on time, and where does money leak?
// The KPIs are computed while the page renders (app/_components/prefetch.tsx): tiles in the first paint.
import { kpisQuerySchema, kpisResponseSchema } from '@/lib/contracts/kpis';
import { getKpis } from '@/lib/queries/get-kpis';
import { prefetch, PrefetchedPage, type SearchParams } from '@/app/_components/prefetch';
import { queryString } from '@/app/_hooks/fetch-json';
import { OverviewView } from './_components/overview-view';

export default function OverviewPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <PrefetchedPage
      fallback="Loading overview…"
      searchParams={searchParams}
      entry={(filters) => prefetch({ key: ['kpis', queryString(filters)], permission: 'kpis:read', query: kpisQuerySchema, params: filters, load: (rt, q) => getKpis(rt.store, q), response: kpisResponseSchema })}
    >
      <OverviewView />
    </PrefetchedPage>
  );
}
