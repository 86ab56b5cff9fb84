// /integrations: flow health, failures, dead letters, orphans and ingest health, for IT.
// Flow health is computed while the page renders (app/_components/prefetch.tsx): the flow table is in the first paint.
import { Suspense } from 'react';
import { flowsQuerySchema } from '@/lib/contracts/integrations';
import { getFlows } from '@/lib/queries/get-flows';
import { Prefetched, urlFilters, type SearchParams } from '@/app/_components/prefetch';
import { queryString } from '@/app/_hooks/fetch-json';
import { IntegrationsView } from './_components/integrations-view';

export default function IntegrationsPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <Suspense fallback={<div className="loading">Loading integrations…</div>}>
      <Integrations searchParams={searchParams} />
    </Suspense>
  );
}

async function Integrations({ searchParams }: { searchParams: SearchParams }) {
  const params = await urlFilters(searchParams);
  return (
    <Prefetched entry={{ key: ['flows', '/api/flows', queryString(params)], permission: 'integrations:read', query: flowsQuerySchema, params, load: (rt, { format: _format, ...q }) => getFlows(rt.store, q) }}>
      <IntegrationsView />
    </Prefetched>
  );
}
