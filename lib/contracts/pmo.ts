// PMO: the unstaffed-projects list's response (GET /api/pmo/unstaffed), shared by the query,
// the route and the PMO view's table — apart from the query so the browser's bundle does not
// take in the query and what it imports.

import { z } from 'zod';
import { UNSTAFFED_QUEUE } from '../stuck/unstaffed';
import { num, chTimestamp } from '../queries/row-types';

export const unstaffedProjectSchema = z.object({
  entity_key: z.string(),
  correlation_id: z.string(),
  customer: z.string(),
  since: chTimestamp,
  late_hours: num,
  amount: num,
  currency: z.string(),
  value: num,
});
export const unstaffedResponseSchema = z.object({
  total: z.number(),
  items: z.array(unstaffedProjectSchema.extend({
    since: z.string(),
    /** The exception workflow's id, queue and state, as a stuck item's (lib/stuck/unstaffed). */
    id: z.string(),
    rule: z.literal(UNSTAFFED_QUEUE),
    state: z.string(),
    assignee: z.string(),
    state_by: z.string(),
    state_at: z.string(),
    snoozed_until: z.string(),
  })),
  next_cursor: z.string().nullable(),
});
export type UnstaffedResponse = z.infer<typeof unstaffedResponseSchema>;

/** Projects per page of the PMO view's unstaffed table (its server-rendered first page asks for as many). */
export const UNSTAFFED_PAGE_SIZE = 20;
