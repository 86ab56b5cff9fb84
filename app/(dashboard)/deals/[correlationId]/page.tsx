// /deals/{correlationId}: one deal's journey, computed while the page renders
// (app/_components/prefetch.tsx): the timeline is in the first paint. An address that is no
// deal's correlation ID is settled on the server too: a record's bare ID or key (INV-20417,
// erp:invoice:INV-20417, as pasted from an email) that one deal holds is redirected (307) to
// that deal's journey; one several deals hold lists them; an unknown one answers 404 and says
// so (not-found.tsx). The browser asks the API nothing for those. Where the server could not
// tell (a caller the API would refuse, a failed query), the client asks the API and shows its
// answer.
import { notFound, redirect } from 'next/navigation';
import { z } from 'zod';
import { decodeSegment } from '@/lib/http/params';
import { getDeal } from '@/lib/queries/get-deal';
import { dealsOfRecord } from '@/lib/queries/resolve-key';
import { dealDetailSchema, RESOLVE_CANDIDATES_MAX, type ResolveCandidate } from '@/lib/contracts/deals';
import { getRuntime } from '@/lib/runtime';
import { callerMay, prefetch, Prefetched } from '@/app/_components/prefetch';
import { JourneyView, type NoDeal } from './_components/journey-view';

const paramsSchema = z.object({ correlationId: z.string().min(1).max(300) });

export default async function DealJourneyPage({ params }: { params: Promise<{ correlationId: string }> }) {
  const correlationId = decodeSegment((await params).correlationId);
  // Settled before anything is sent, outside any Suspense boundary: a record's address then
  // answers a real redirect (307 with its Location), not a page that redirects once streamed.
  const found = await loadOrRedirect(correlationId);
  if (found && 'noDeal' in found) return <JourneyView correlationId={correlationId} noDeal={found.noDeal} />;
  const deal = found?.deal ?? null;
  return (
    <Prefetched
      entry={prefetch({ key: ['deal', correlationId], permission: 'deals:read', query: paramsSchema, params: { correlationId }, load: () => Promise.resolve(deal), response: dealDetailSchema })}
    >
      <JourneyView correlationId={correlationId} />
    </Prefetched>
  );
}

type Found = { deal: Awaited<ReturnType<typeof getDeal>> } | { noDeal: NoDeal };

/**
 * The deal of that correlation ID, or what the address is when it is none (the deals holding
 * a record of it); one deal's record redirects there, and an address no deal knows is a 404.
 * Null when the server cannot tell: the caller may not read deals, or a query failed (the
 * client then asks the API).
 */
async function loadOrRedirect(address: string): Promise<Found | null> {
  if (!paramsSchema.safeParse({ correlationId: address }).success || !(await callerMay('deals:read'))) return null;
  let holders: ResolveCandidate[];
  try {
    const store = (await getRuntime()).store;
    const deal = await getDeal(store, address);
    if (deal) return { deal };
    holders = await dealsOfRecord(store, address, RESOLVE_CANDIDATES_MAX);
  } catch (err) {
    console.error(`[journey] loading ${JSON.stringify(address)}: ${String(err)}`);
    return null;
  }
  if (holders.length === 0) notFound(); // a 404, said by not-found.tsx
  if (holders.length > 1) return { noDeal: { candidates: holders } };
  // outside the try: redirect() throws. A key listed under a deal getDeal does not know: the client asks.
  if (holders[0].correlation_id !== address) redirect(`/deals/${encodeURIComponent(holders[0].correlation_id)}`);
  return null;
}
