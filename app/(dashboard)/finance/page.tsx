// /finance — the finance queues: stuck invoices, unbilled work, billing not set up, unapplied cash, by money at risk.
// The queues' summary and each table's first page are computed while the page renders
// (app/_components/prefetch.tsx).
import { AreaGuard } from '../_components/area-guard';
import { PrefetchedPage, type SearchParams } from '@/app/_components/prefetch';
import { stuckSummaryEntry, stuckTableEntry } from '../_components/first-data';
import { FinanceView } from './_components/finance-view';
import { FINANCE_PAGE_SIZE, SECTIONS } from './_components/sections';

export default function FinancePage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <AreaGuard area="/finance" title="Finance">
      <PrefetchedPage
        fallback="Loading finance queues…"
        searchParams={searchParams}
        entry={(filters) => [stuckSummaryEntry(filters), ...SECTIONS.map((s) => stuckTableEntry(filters, s.rules, FINANCE_PAGE_SIZE))]}
      >
        <FinanceView />
      </PrefetchedPage>
    </AreaGuard>
  );
}
