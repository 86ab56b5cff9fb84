// /sla — SLA policies (editable by an admin), breaches over time and by dimension, calendars.
// The breaches as the view first asks for them (by region, every kind, 50 records) are
// computed while the page renders (app/_components/prefetch.tsx).
import { SLA_FIRST_VIEW, slaBreachesQuerySchema, slaBreachesResponseSchema } from '@/lib/contracts/sla';
import { getSlaBreaches } from '@/lib/queries/get-sla-breaches';
import { prefetch, PrefetchedPage, type SearchParams } from '@/app/_components/prefetch';
import { queryString } from '@/app/_hooks/fetch-json';
import { SlaView } from './_components/sla-view';

export default function SlaPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <PrefetchedPage
      fallback="Loading SLA…"
      searchParams={searchParams}
      entry={(filters) => {
        const params = { ...filters, ...SLA_FIRST_VIEW };
        return prefetch({ key: ['sla-breaches', queryString(params)], permission: 'sla:read', query: slaBreachesQuerySchema, params, load: (rt, q) => getSlaBreaches(rt.store, q), response: slaBreachesResponseSchema });
      }}
    >
      <SlaView />
    </PrefetchedPage>
  );
}
