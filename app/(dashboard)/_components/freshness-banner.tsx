'use client';
// Says so when stuck queues, SLA and KPI figures lag the events written (a backfill, a replay,
// a restart's recompute): they read the clocks' snapshot, which the refresher recomputes
// behind the writer. Journeys and event lists read the events and are always current.

import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/app/_hooks/fetch-json';
import { freshnessSchema } from '@/lib/contracts/freshness';
import { fmtSeconds } from '../integrations/_components/format';
import { formatCount } from '@/lib/money/format';

export function FreshnessBanner() {
  const { data } = useQuery({
    queryKey: ['freshness'],
    queryFn: ({ signal }) => fetchJson('/api/freshness', freshnessSchema, signal),
    refetchInterval: 5_000,
    retry: false,
  });
  const s = data?.snapshot;
  if (!s?.notice) return null;
  return (
    <div className="freshness-banner" role="status" data-testid="freshness-banner">
      <strong>Catching up with ingest:</strong> {formatCount(s.pending_deals)} deal{s.pending_deals === 1 ? '' : 's'} wait for their stuck, SLA
      and KPI figures to be recomputed; those figures may be up to {fmtSeconds(s.behind_seconds)} behind. Deal journeys are current.
    </div>
  );
}
