// /pmo — won deals with no project yet, and projects with nobody staffed. The queue's first
// page and the unstaffed projects are computed while the page renders (app/_components/prefetch.tsx).
import { AreaGuard } from '../_components/area-guard';
import { PrefetchedPage, type SearchParams } from '@/app/_components/prefetch';
import { STUCK_PAGE_SIZE } from '@/app/_components/stuck-table-params';
import { stuckTableEntry, unstaffedEntry } from '../_components/first-data';
import { PmoView } from './_components/pmo-view';
import { PMO_QUEUE } from './_components/queue';

export default function PmoPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <AreaGuard area="/pmo" title="PMO">
      <PrefetchedPage
        fallback="Loading PMO queues…"
        searchParams={searchParams}
        entry={(filters) => [stuckTableEntry(filters, PMO_QUEUE, STUCK_PAGE_SIZE), unstaffedEntry(filters)]}
      >
        <PmoView />
      </PrefetchedPage>
    </AreaGuard>
  );
}
