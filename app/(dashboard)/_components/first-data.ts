// The first data of the dashboard pages that share it, computed while the page renders
// (app/_components/prefetch.tsx): each entry's key is the client hook's.
import { stuckQuerySchema, stuckSummaryResponseSchema } from '@/lib/contracts/stuck';
import { getStuckSummary } from '@/lib/queries/get-stuck-summary';
import { prefetch } from '@/app/_components/prefetch';
import { queryString } from '@/app/_hooks/fetch-json';

/** The stuck queues' summary (useStuckSummary): /stuck's queues, /finance's tiles. */
export const stuckSummaryEntry = (filters: Record<string, string>) =>
  prefetch({
    key: ['stuck-summary', queryString(filters)],
    permission: 'stuck:read',
    query: stuckQuerySchema,
    params: filters,
    load: (rt, q) => getStuckSummary(rt.store, q),
    response: stuckSummaryResponseSchema,
  });
