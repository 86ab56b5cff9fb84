// GET /api/freshness: how far the clocks' snapshot (stuck queues, SLA, KPIs, leakage) is
// behind the events written, shared by the route and the dashboard's banner.

import { z } from 'zod';

export const freshnessSchema = z.object({
  snapshot: z.object({
    /** current: no deal waits; catching_up: some do; unknown: this process does not run the ingest writer. */
    state: z.enum(['current', 'catching_up', 'unknown']),
    /** Deals whose figures wait to be recomputed (null: unknown). */
    pending_deals: z.number().int().nullable(),
    /** Since when the oldest of them waits (ISO; null: none, or unknown). */
    behind_since: z.string().nullable(),
    behind_seconds: z.number().nullable(),
    detail: z.string(),
    /**
     * Behind long enough to say so on every page: CASHTRACE_FRESHNESS_NOTICE_S (default 30 s;
     * less is the refresher's normal rhythm, a round waiting for a pause in the writes, at
     * most 10 s: lib/clocks/refresher.ts).
     */
    notice: z.boolean(),
  }),
});
export type Freshness = z.infer<typeof freshnessSchema>;
