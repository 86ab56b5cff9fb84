// /deals/{correlationId}: one deal's journey, computed while the page renders
// (app/_components/prefetch.tsx): the timeline is in the first paint. An unknown deal caches
// nothing and the client shows the API's 404.
import { Suspense } from 'react';
import { z } from 'zod';
import { decodeSegment } from '@/lib/http/params';
import { getDeal } from '@/lib/queries/get-deal';
import { dealDetailSchema } from '@/lib/contracts/deals';
import { prefetch, Prefetched } from '@/app/_components/prefetch';
import { JourneyView } from './_components/journey-view';

const paramsSchema = z.object({ correlationId: z.string().min(1).max(300) });

export default async function DealJourneyPage({ params }: { params: Promise<{ correlationId: string }> }) {
  const correlationId = decodeSegment((await params).correlationId);
  return (
    <Suspense fallback={<div className="loading">Loading the journey…</div>}>
      <Prefetched
        entry={prefetch({ key: ['deal', correlationId], permission: 'deals:read', query: paramsSchema, params: { correlationId }, load: (rt, q) => getDeal(rt.store, q.correlationId), response: dealDetailSchema })}
      >
        <JourneyView correlationId={correlationId} />
      </Prefetched>
    </Suspense>
  );
}
