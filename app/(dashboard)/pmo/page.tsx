// /pmo — won deals with no project yet, and projects with nobody staffed.
import { Suspense } from 'react';
import { PmoView } from './_components/pmo-view';

export default function PmoPage() {
  return (
    <Suspense fallback={<div className="loading">Loading PMO queues…</div>}>
      <PmoView />
    </Suspense>
  );
}
