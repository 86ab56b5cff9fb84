'use client';
// A journey address that is no deal's correlation ID: a record's key (erp:invoice:INV-1) or
// bare ID (INV-1, OPP-101081, as people paste them from an email) goes on to its deal; an ID
// several deals hold lists them; otherwise it says so and offers the deals search. `known`:
// what the page's server already found (the deals holding such a record, or none); without
// it the client asks GET /api/resolve.

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useRecordDeal } from '@/app/_hooks/use-deals';
import { ApiRequestError } from '@/app/_hooks/fetch-json';
import { RESOLVE_CANDIDATES_MAX, resolveCandidatesSchema, type ResolveCandidate } from '@/lib/contracts/deals';

export function DealNotFound({ id, known }: { id: string; known?: { candidates: ResolveCandidate[] } }) {
  const router = useRouter();
  const found = useRecordDeal(id, !known);
  const target = found.data && found.data.correlation_id !== id ? found.data.correlation_id : null;
  useEffect(() => {
    if (target) router.replace(`/deals/${encodeURIComponent(target)}`);
  }, [router, target]);
  if ((!known && found.isLoading) || target) return <div className="loading" data-testid="journey-loading">Looking for “{id}” among the deals’ records…</div>;
  const err = found.error instanceof ApiRequestError ? found.error : null;
  const asked = err?.status === 409 ? resolveCandidatesSchema.safeParse(err.details).data?.candidates : undefined;
  const candidates = known ? (known.candidates.length > 1 ? known.candidates : undefined) : asked;
  return (
    <div className="panel error" role="alert" data-testid="journey-error">
      {candidates ? (
        <>
          <p>“{id}” names a record of {candidates.length === RESOLVE_CANDIDATES_MAX ? `${RESOLVE_CANDIDATES_MAX} or more` : candidates.length} deals. Which one?</p>
          <ul data-testid="journey-candidates">
            {candidates.map((c) => (
              <li key={c.correlation_id}>
                <Link href={`/deals/${encodeURIComponent(c.correlation_id)}`}>{c.correlation_id}</Link> <span className="muted">holds {c.key}</span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>
          No deal has the correlation ID or a record “{id}”{err && err.status !== 404 && err.status !== 400 ? ` (looking it up failed: ${err.message})` : ''}.{' '}
          <Link href={`/deals?q=${encodeURIComponent(id)}`}>Search the deals for “{id}”</Link>
        </p>
      )}
    </div>
  );
}
