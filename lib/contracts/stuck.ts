// Request/response shapes of GET /api/stuck, shared by the route, the queries and the hooks.

import { z } from 'zod';
import { filtersSchema, nowParam } from '../queries/filters';
import { keysetCursorParam } from '../queries/page';
import { assigneeFilterParam, stateFilterParam } from './actions';
import { STUCK_RULE_NAMES, AGING_BUCKETS } from '../stuck/rules';

export const STUCK_SORTS = ['value', 'late', 'since', 'customer'] as const;

/** Several queues: their rule names, comma-separated. */
const rulesParam = z
  .string()
  .transform((s) => s.split(',').filter(Boolean))
  .pipe(z.array(z.enum(STUCK_RULE_NAMES)));

export const stuckQuerySchema = filtersSchema.extend({
  rule: z.enum(STUCK_RULE_NAMES).optional(),
  rules: rulesParam.optional(),
  q: z.string().trim().max(200).optional(),
  /** Items assigned to this username, or `-` for those assigned to nobody. */
  assignee: assigneeFilterParam.optional(),
  /** active (needs work: not snoozed until later, not resolved), snoozed or resolved items only. */
  state: stateFilterParam.optional(),
  sort: z.enum(STUCK_SORTS).default('value'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  /** Opaque cursor from the previous page's `next_cursor` (keyset; sorted by hours late, it also holds the instant the walk is read as of). */
  cursor: keysetCursorParam.optional(),
  now: nowParam().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type StuckQuery = z.infer<typeof stuckQuerySchema>;

export const stuckItemSchema = z.object({
  id: z.string(),
  rule: z.enum(STUCK_RULE_NAMES),
  owner: z.string(),
  entity_key: z.string(),
  correlation_id: z.string(),
  customer: z.string(),
  region: z.string(),
  practice: z.string(),
  legal_entity: z.string(),
  billing_model: z.string(),
  since: z.string(),
  late_hours: z.number(),
  elapsed_hours: z.number(),
  amount: z.number(),
  currency: z.string(),
  value: z.number(),
  aging_bucket: z.enum(AGING_BUCKETS),
  last_event_type: z.string(),
  last_event_at: z.string(),
  /** Exception workflow state (open/acknowledged/assigned/snoozed/resolved), 'open' when none recorded. */
  state: z.string(),
  assignee: z.string(),
  /** Who put the item in its state and when (ISO-8601): '' while it is open. */
  state_by: z.string(),
  state_at: z.string(),
  /** Until when a snoozed item is snoozed (ISO-8601); '' otherwise. */
  snoozed_until: z.string(),
});
export type StuckItem = z.infer<typeof stuckItemSchema>;

export const stuckItemsResponseSchema = z.object({
  rule: z.enum(STUCK_RULE_NAMES).nullable(),
  total: z.number(),
  /** The money at stake of every item the query matches (not just this page), in the reporting currency. */
  total_value: z.number(),
  items: z.array(stuckItemSchema),
  next_cursor: z.string().nullable(),
  reporting_currency: z.string(),
});
export type StuckItemsResponse = z.infer<typeof stuckItemsResponseSchema>;

export const stuckBucketSchema = z.object({ bucket: z.enum(AGING_BUCKETS), count: z.number(), value: z.number() });

export const stuckQueueSummarySchema = z.object({
  rule: z.enum(STUCK_RULE_NAMES),
  title: z.string(),
  owner: z.string(),
  money: z.string(),
  threshold_hours: z.number(),
  unit: z.enum(['business', 'calendar']),
  count: z.number(),
  /** Of `count`, those that need work: not snoozed (until later) nor resolved. */
  needs_work: z.number(),
  value: z.number(),
  buckets: z.array(stuckBucketSchema),
});
export type StuckQueueSummary = z.infer<typeof stuckQueueSummarySchema>;

export const stuckSummaryResponseSchema = z.object({
  queues: z.array(stuckQueueSummarySchema),
  reporting_currency: z.string(),
});
export type StuckSummaryResponse = z.infer<typeof stuckSummaryResponseSchema>;

/** GET /api/stuck/workload: per assignee, the stuck items of the selected queues (all: every queue). */
export const stuckWorkloadQuerySchema = filtersSchema.extend({
  rules: rulesParam.optional(),
  now: nowParam().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type StuckWorkloadParams = Omit<z.infer<typeof stuckWorkloadQuerySchema>, 'format' | 'now'> & { now?: string };

export const stuckWorkloadRowSchema = z.object({
  /** A username; '' for the items assigned to nobody. */
  assignee: z.string(),
  items: z.number(),
  /** Money at stake in the reporting currency. */
  value: z.number(),
  /** How late the most overdue of them is (hours, as the queues count them). */
  max_late_hours: z.number(),
});
export const stuckWorkloadResponseSchema = z.object({ rows: z.array(stuckWorkloadRowSchema), reporting_currency: z.string() });
export type StuckWorkloadResponse = z.infer<typeof stuckWorkloadResponseSchema>;
