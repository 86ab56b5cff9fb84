// The first data of the dashboard pages that share it, computed while the page renders
// (app/_components/prefetch.tsx): each entry's key is the client hook's.
import { stuckItemsResponseSchema, stuckQuerySchema, stuckSummaryResponseSchema } from '@/lib/contracts/stuck';
import { getStuckSummary } from '@/lib/queries/get-stuck-summary';
import { getStuckItems } from '@/lib/queries/get-stuck-items';
import { getUnstaffedProjects, unstaffedQuerySchema } from '@/lib/queries/get-unstaffed-projects';
import { UNSTAFFED_PAGE_SIZE, unstaffedResponseSchema } from '@/lib/contracts/pmo';
import type { StuckRuleName } from '@/lib/stuck/rules';
import { stuckTableParams } from '@/app/_components/stuck-table-params';
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

/** A stuck table's first page (StuckTable with no search, most money first): /finance's and /pmo's queues. */
export const stuckTableEntry = (filters: Record<string, string>, rules: StuckRuleName[], pageSize: number) => {
  const params = stuckTableParams(filters, rules, pageSize);
  return prefetch({
    key: ['stuck-items', queryString(params)],
    permission: 'stuck:read',
    query: stuckQuerySchema,
    params,
    load: (rt, q) => getStuckItems(rt.store, q),
    response: stuckItemsResponseSchema,
  });
};

/** PMO's unstaffed projects (its view's query). */
export const unstaffedEntry = (filters: Record<string, string>) =>
  prefetch({
    // as the view builds its key: filters, then limit (no offset on the first page)
    key: ['unstaffed', queryString({ ...filters, limit: UNSTAFFED_PAGE_SIZE })],
    permission: 'pmo:read',
    query: unstaffedQuerySchema,
    params: { ...filters, limit: UNSTAFFED_PAGE_SIZE },
    load: (rt, q) => getUnstaffedProjects(rt.store, q),
    response: unstaffedResponseSchema,
  });
