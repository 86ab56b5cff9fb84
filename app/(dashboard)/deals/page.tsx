// /deals: search any key a user knows, filter by stage, page through deals.
import { Suspense } from 'react';
import { DealsView } from './_components/deals-view';

export default function DealsPage() {
  return (
    <Suspense fallback={<div className="loading">Loading deals…</div>}>
      <DealsView />
    </Suspense>
  );
}
