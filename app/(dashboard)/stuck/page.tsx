// /stuck: one queue per stuck rule (count, money at stake, aging, owner) and the items behind each.
// The queues' summary is computed while the page renders (app/_components/prefetch.tsx).
import { PrefetchedPage, type SearchParams } from '@/app/_components/prefetch';
import { stuckSummaryEntry } from '../_components/first-data';
import { StuckView } from './_components/stuck-view';

export default function StuckPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <PrefetchedPage fallback="Loading queues…" searchParams={searchParams} entry={stuckSummaryEntry}>
      <StuckView />
    </PrefetchedPage>
  );
}
