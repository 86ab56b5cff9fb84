'use client';
// A link correction by hand (POST /api/links), for the orphans table and the journey's event
// detail. A merge's other record may be named by its bare ID (INV-20417): it is resolved to
// its key first (GET /api/resolve?id=), and an ID several deals hold is refused with their keys.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { linkCorrectionResultSchema, type LinkCorrection, type LinkCorrectionResult } from '@/lib/contracts/links';
import { resolveCandidatesSchema, resolveResponseSchema } from '@/lib/contracts/deals';
import { parseEntityKey } from '@/lib/events/entity-key';
import { ApiRequestError, fetchJson, sendJson } from './fetch-json';

/** The key a user typed, or the key of the record of that bare ID in the one deal holding one. */
async function recordKey(typed: string): Promise<string> {
  const v = typed.trim();
  if (parseEntityKey(v)) return v;
  try {
    return (await fetchJson(`/api/resolve?id=${encodeURIComponent(v)}`, resolveResponseSchema)).key ?? v;
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 409) {
      const keys = resolveCandidatesSchema.safeParse(err.details).data?.candidates.map((c) => c.key) ?? [];
      throw new Error(`“${v}” names records of several deals: give its key (${keys.join(', ')})`);
    }
    if (err instanceof ApiRequestError && err.status === 404) throw new Error(`no deal has a record “${v}”: give a deal's record ID or key (source:entity_type:id)`);
    throw err;
  }
}

export function useLinkCorrection() {
  const qc = useQueryClient();
  return useMutation<LinkCorrectionResult, Error, LinkCorrection>({
    mutationFn: async (c) => sendJson('/api/links', 'POST', c.kind === 'merge' ? { ...c, b: await recordKey(c.b) } : c, linkCorrectionResultSchema),
    // orphans, deals, journeys, queues: every view may show the records that moved
    onSuccess: () => {
      void qc.invalidateQueries();
    },
  });
}
