// /stuck — one queue per stuck-work rule (DOMAIN.md §5) and the items of the chosen one.
import { Suspense } from 'react';
import { StuckView } from './_components/stuck-view';

export default function StuckPage() {
  return (
    <Suspense fallback={<div className="loading">Loading queues…</div>}>
      <StuckView />
    </Suspense>
  );
}
