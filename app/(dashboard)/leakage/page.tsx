// /leakage — money earned or owed but not billed or collected on time, down to the records.
import { Suspense } from 'react';
import { LeakageView } from './_components/leakage-view';

export default function LeakagePage() {
  return (
    <Suspense fallback={<div className="loading">Loading leakage…</div>}>
      <LeakageView />
    </Suspense>
  );
}
