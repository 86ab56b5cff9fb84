// /deals/{correlationId}: one deal's journey, computed while the page renders
// (app/_components/prefetch.tsx): the timeline is in the first paint. An address that is a
// record's bare ID or key (INV-20417, erp:invoice:INV-20417, as pasted from an email) and
// that one deal holds is redirected to that deal's journey before anything is sent. An
// unknown deal caches nothing and the client shows the API's 404 (and, for an ID several
// deals hold, the deals to choose from).
import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { z } from 'zod';
import { decodeSegment } from '@/lib/http/params';
import { getDeal } from '@/lib/queries/get-deal';
import { dealOfRecord } from '@/lib/queries/resolve-key';
import { dealDetailSchema } from '@/lib/contracts/deals';
import { getRuntime } from '@/lib/runtime';
import { callerMay, prefetch, Prefetched } from '@/app/_components/prefetch';
import { JourneyView } from './_components/journey-view';

const paramsSchema = z.object({ correlationId: z.string().min(1).max(300) });

export default async function DealJourneyPage({ params }: { params: Promise<{ correlationId: string }> }) {
  const correlationId = decodeSegment((await params).correlationId);
  return (
    <Suspense fallback={<div className="loading">Loading the journey…</div>}>
      <Journey correlationId={correlationId} />
    </Suspense>
  );
}

async function Journey({ correlationId }: { correlationId: string }) {
  const deal = await loadOrRedirect(correlationId);
  return (
    <Prefetched
      entry={prefetch({ key: ['deal', correlationId], permission: 'deals:read', query: paramsSchema, params: { correlationId }, load: () => Promise.resolve(deal), response: dealDetailSchema })}
    >
      <JourneyView correlationId={correlationId} />
    </Prefetched>
  );
}

/** The deal of that correlation ID (null when there is none, or the caller may not read deals, or it failed: the client then asks the API and shows its answer); an address naming one deal's record redirects there. */
async function loadOrRedirect(address: string) {
  if (!paramsSchema.safeParse({ correlationId: address }).success || !(await callerMay('deals:read'))) return null;
  let target: string | null = null;
  try {
    const store = (await getRuntime()).store;
    const deal = await getDeal(store, address);
    if (deal) return deal;
    target = await dealOfRecord(store, address);
  } catch (err) {
    console.error(`[journey] loading ${JSON.stringify(address)}: ${String(err)}`);
    return null;
  }
  if (target && target !== address) redirect(`/deals/${encodeURIComponent(target)}`); // outside the try: redirect() throws
  return null;
}
