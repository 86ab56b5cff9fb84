// / — the executive overview: are we converting bookings to cash on time, and where does money leak?
// The KPIs are computed while the page renders (app/_components/prefetch.tsx): tiles in the first paint.
import { Suspense } from 'react';
import { kpisQuerySchema, kpisResponseSchema } from '@/lib/contracts/kpis';
import { getKpis } from '@/lib/queries/get-kpis';
import { Prefetched, urlFilters, type SearchParams } from '@/app/_components/prefetch';
import { queryString } from '@/app/_hooks/fetch-json';
import { OverviewView } from './_components/overview-view';

export default function OverviewPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <Suspense fallback={<div className="loading">Loading overview…</div>}>
      <Overview searchParams={searchParams} />
    </Suspense>
  );
}

async function Overview({ searchParams }: { searchParams: SearchParams }) {
  const params = await urlFilters(searchParams);
  return (
    <Prefetched entry={{ key: ['kpis', queryString(params)], permission: 'kpis:read', query: kpisQuerySchema, params, load: (rt, q) => getKpis(rt.store, q), response: kpisResponseSchema }}>
      <OverviewView />
    </Prefetched>
  );
}
