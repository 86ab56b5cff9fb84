// GET /api/freshness: whether stuck queues, SLA and KPI figures are current with the events
// written, for any signed-in user (lib/contracts/freshness.ts).

import { env } from '@/lib/env';
import { route } from '@/lib/http/route';
import type { Freshness } from '@/lib/contracts/freshness';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: null }, async ({ rt }): Promise<Freshness> => {
  const writer = rt.writer;
  if (!writer) {
    const lost = rt.writerLost?.();
    return {
      snapshot: {
        state: 'unknown',
        pending_deals: null,
        behind_since: null,
        behind_seconds: null,
        detail: lost ? `this process's ingest writer stopped (${lost})` : 'the ingest writer runs in another process (npm run ingest-worker logs how many deals wait)',
        notice: false,
      },
    };
  }
  const { pendingDeals, behindSince } = writer.clocks.status();
  const seconds = behindSince ? Math.max(0, (Date.now() - behindSince.getTime()) / 1000) : null;
  return {
    snapshot: {
      state: pendingDeals > 0 ? 'catching_up' : 'current',
      pending_deals: pendingDeals,
      behind_since: behindSince?.toISOString() ?? null,
      behind_seconds: seconds === null ? null : Math.round(seconds),
      detail:
        pendingDeals > 0
          ? `${pendingDeals} deal(s) wait for their stuck, SLA and KPI figures to be recomputed`
          : 'every deal written is recomputed',
      notice: seconds !== null && seconds >= env().CASHTRACE_FRESHNESS_NOTICE_S,
    },
  };
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
