// /finance — the finance queues: stuck invoices, unbilled work, unapplied cash, by money at risk.
import { Suspense } from 'react';
import { FinanceView } from './_components/finance-view';

export default function FinancePage() {
  return (
    <Suspense fallback={<div className="loading">Loading finance queues…</div>}>
      <FinanceView />
    </Suspense>
  );
}
