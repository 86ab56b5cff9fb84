// /integrations: flow health, failures, dead letters, orphans and ingest health, for IT.
// Flow health is computed while the page renders (app/_components/prefetch.tsx): the flow table is in the first paint.
import { flowsQuerySchema } from '@/lib/contracts/integrations';
import { getFlows } from '@/lib/queries/get-flows';
import { AreaGuard } from '../_components/area-guard';
import { prefetch, PrefetchedPage, type SearchParams } from '@/app/_components/prefetch';
import { queryString } from '@/app/_hooks/fetch-json';
import { IntegrationsView } from './_components/integrations-view';

export default function IntegrationsPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <AreaGuard area="/integrations" title="Integrations">
      <PrefetchedPage
        fallback="Loading integrations…"
        searchParams={searchParams}
        entry={(filters) =>
          prefetch({
            key: ['flows', '/api/flows', queryString(filters)],
            permission: 'integrations:read',
            query: flowsQuerySchema,
            params: filters,
            load: (rt, { format: _format, ...q }) => getFlows(rt.store, q),
          })
        }
      >
        <IntegrationsView />
      </PrefetchedPage>
    </AreaGuard>
  );
}
