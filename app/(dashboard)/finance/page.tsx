// /finance — the finance queues: stuck invoices, unbilled work, unapplied cash, by money at risk.
// The queues' summary is computed while the page renders (app/_components/prefetch.tsx).
import { PrefetchedPage, type SearchParams } from '@/app/_components/prefetch';
import { stuckSummaryEntry } from '../_components/first-data';
import { FinanceView } from './_components/finance-view';

export default function FinancePage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <PrefetchedPage fallback="Loading finance queues…" searchParams={searchParams} entry={stuckSummaryEntry}>
      <FinanceView />
    </PrefetchedPage>
  );
}
