// / — the executive overview: are we converting bookings to cash on time, and where does money leak?
import { Suspense } from 'react';
import { OverviewView } from './_components/overview-view';

export default function OverviewPage() {
  return (
    <Suspense fallback={<div className="loading">Loading overview…</div>}>
      <OverviewView />
    </Suspense>
  );
}
