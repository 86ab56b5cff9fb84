// Request and response schemas of the deals API (GET /api/deals, /api/deals/{id},
// /api/resolve), shared by the route handlers, the queries and the react-query hooks.

import { z } from 'zod';
import { ALL_EVENT_TYPES } from '../events/catalogue';
import { PROGRESS_STAGES, STAGES } from '../events/stages';
import { filtersSchema } from '../queries/filters';
import { keysetCursorParam } from '../queries/page';
import { pathParamSchema } from '../queries/deal-path';
import { BREACH_OWNERS } from './sla';

/** Deals per page of /deals (its server-rendered first page asks for as many). */
export const DEALS_PAGE_SIZE = 25;

export const dealsQuerySchema = filtersSchema.extend({
  /** Any key users know (opportunity, quote, contract, project, invoice, payment id: prefix) or a customer name. */
  q: z.string().trim().max(200).optional(),
  stage: z.enum(PROGRESS_STAGES).optional(),
  /** Only deals whose path (deal-path.ts) is exactly this one: a variant's deals, as /variants links them. */
  path: pathParamSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque keyset cursor from the previous page's `next_cursor`. */
  cursor: keysetCursorParam.optional(),
  /** csv: every deal the search and filters match (not one page). */
  format: z.enum(['json', 'csv']).default('json'),
});
export type DealsQuery = z.infer<typeof dealsQuerySchema>;

export const dealSchema = z.object({
  correlation_id: z.string(),
  customer: z.string(),
  region: z.string(),
  practice: z.string(),
  legal_entity: z.string(),
  billing_model: z.string(),
  currency: z.string(),
  stage: z.enum(PROGRESS_STAGES),
  quote_value: z.number().nullable(),
  contract_value: z.number().nullable(),
  change_value: z.number(),
  delivered_value: z.number(),
  invoiced_value: z.number(),
  credited_value: z.number(),
  paid_value: z.number(),
  applied_value: z.number(),
  events: z.number().int(),
  sync_failed: z.number().int(),
  first_at: z.string(),
  last_at: z.string(),
  last_received_at: z.string(),
});
export type Deal = z.infer<typeof dealSchema>;

export const DEAL_CSV_COLUMNS = [
  'correlation_id', 'customer', 'region', 'practice', 'legal_entity', 'billing_model', 'stage', 'currency', 'quote_value',
  'contract_value', 'change_value', 'delivered_value', 'invoiced_value', 'credited_value', 'paid_value', 'applied_value',
  'events', 'sync_failed', 'overdue_items', 'first_at', 'last_at',
] as const;

export const dealsResponseSchema = z.object({
  deals: z.array(dealSchema),
  /** Records on a stuck queue (overdue), by deal of the page; deals with none are absent. */
  overdue: z.record(z.string(), z.number().int()),
  next_cursor: z.string().nullable(),
});
export type DealsResponse = z.infer<typeof dealsResponseSchema>;

export const journeyEventSchema = z.object({
  event_id: z.string(),
  source: z.string(),
  source_instance: z.string(),
  type: z.enum(ALL_EVENT_TYPES),
  stage: z.enum(STAGES),
  occurred_at: z.string(),
  received_at: z.string(),
  entity_type: z.string(),
  entity_id: z.string(),
  entity_key: z.string(),
  refs: z.array(z.string()),
  amount: z.number().nullable(),
  currency: z.string(),
  status: z.string(),
  due_at: z.string().nullable(),
  period_end: z.string().nullable(),
  attributes: z.record(z.string(), z.string()),
  trace_id: z.string(),
  span_id: z.string(),
  /** The original payload as received (parsed JSON where it was JSON, else the text). */
  payload: z.unknown(),
});
export type JourneyEvent = z.infer<typeof journeyEventSchema>;

export const stageSpanSchema = z.object({
  stage: z.enum(PROGRESS_STAGES),
  status: z.enum(['done', 'current', 'pending']),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  /** Until the next stage began, or until now for the current stage of an open deal. */
  duration_ms: z.number().nullable(),
  events: z.number().int(),
});
export type StageSpan = z.infer<typeof stageSpanSchema>;

export const pathStepSchema = z.object({
  type: z.string(),
  stage: z.enum(STAGES),
  status: z.enum(['done', 'missing', 'next', 'pending']),
  first_at: z.string().nullable(),
  count: z.number().int(),
  /** When it was (or is) due after the step it waits for. */
  due_at: z.string().nullable(),
  /**
   * How late it happened (done) or how overdue it is now (next); 0 when on time. Business time
   * (the legal entity's calendar, as the stuck rules count) after a business-day window, else calendar time.
   */
  late_by_ms: z.number().nullable(),
});
export type PathStep = z.infer<typeof pathStepSchema>;

export const DEVIATION_KINDS = ['missing', 'late', 'repeated', 'reordered'] as const;
export const deviationSchema = z.object({
  kind: z.enum(DEVIATION_KINDS),
  type: z.string(),
  message: z.string(),
  /** reordered: the expected-earlier step it came before. */
  before: z.string().optional(),
  late_by_ms: z.number().optional(),
  count: z.number().int().optional(),
});
export type Deviation = z.infer<typeof deviationSchema>;

export const nextStepSchema = z.object({
  type: z.string(),
  stage: z.enum(STAGES),
  /** The step it waits for and when that happened (null for a deal with no step yet). */
  waits_for: z.string().nullable(),
  waits_for_at: z.string().nullable(),
  window: z.string().nullable(),
  due_at: z.string().nullable(),
  /** As a path step's late_by_ms (business time after a business-day window). */
  late_by_ms: z.number(),
  overdue: z.boolean(),
});
export type NextStep = z.infer<typeof nextStepSchema>;

export const dealDetailSchema = z.object({
  deal: dealSchema,
  events: z.array(journeyEventSchema),
  /** True when the deal has more events than the page returns (the oldest are kept). */
  truncated: z.boolean(),
  stages: z.array(stageSpanSchema),
  expected_path: z.array(pathStepSchema),
  deviations: z.array(deviationSchema),
  conforming: z.boolean(),
  next_step: nextStepSchema.nullable(),
});
export type DealDetail = z.infer<typeof dealDetailSchema>;

/**
 * A record of the deal whose clock is still running (DOMAIN.md §5 rules, default thresholds):
 * an invoice not yet paid, a payment not yet applied, a milestone not yet invoiced… Overdue
 * ones are on the stuck-work queues; the others are due later.
 */
export const dealOpenItemSchema = z.object({
  /** The item's id (`rule:entity_key`), as on the queues (or the SLA breaches) and in the exception workflow. */
  id: z.string(),
  /** A stuck rule's (its queue's item), or the id of an SLA policy of one's own (that policy's open breach once overdue). */
  rule: z.string(),
  /** true: a stuck queue's item; false: an SLA policy of one's own's, worked on /sla. */
  queue: z.boolean(),
  /** The queue's or the policy's title. */
  title: z.string(),
  owner: z.string(),
  /** The role whose work it is (who may acknowledge, snooze, resolve, be assigned it). */
  owner_role: z.enum(BREACH_OWNERS),
  /** The system its record is re-synced to; '' for none. */
  resync_target: z.string(),
  entity_key: z.string(),
  /** What stops the clock. */
  waiting_for: z.array(z.string()),
  /** When the clock started (the rule's anchor: the event, its period end or its due date). */
  since: z.string(),
  /** Hours past the threshold (> 0: overdue, stuck); below 0, hours left; in the rule's unit. */
  late_hours: z.number(),
  unit: z.enum(['business', 'calendar']),
  overdue: z.boolean(),
  amount: z.number(),
  currency: z.string(),
  value: z.number(),
  state: z.string(),
  assignee: z.string(),
  /** Who set the workflow state, when (ISO-8601), and until when a snoozed item is snoozed: '' when none (as on the queues). */
  state_by: z.string(),
  state_at: z.string(),
  snoozed_until: z.string(),
});
export type DealOpenItem = z.infer<typeof dealOpenItemSchema>;

export const dealOpenItemsSchema = z.object({
  items: z.array(dealOpenItemSchema),
  reporting_currency: z.string(),
});
export type DealOpenItems = z.infer<typeof dealOpenItemsSchema>;

const ENTITY_KEY = /^[a-z]+:[a-z][a-z0-9_]{0,63}:.+$/;
/** `key`: an entity key (source:entity_type:id); or `id`: a record's bare ID in any system (OPP-101081, INV-20417). One of the two. */
export const resolveQuerySchema = z
  .object({
    key: z.string().min(5).max(300).regex(ENTITY_KEY, 'must be an entity key source:entity_type:id').optional(),
    id: z.string().trim().min(1).max(300).optional(),
  })
  .refine((q) => (q.key === undefined) !== (q.id === undefined), { message: 'give one of key (source:entity_type:id) or id (a record ID such as INV-20417)', path: ['key'] });
/** The deal, and (for `id`) the key of the record that named it. */
export const resolveResponseSchema = z.object({ correlation_id: z.string(), key: z.string().optional() });
/** At most this many deals are named for a record ID several deals hold (as many: that many or more). */
export const RESOLVE_CANDIDATES_MAX = 5;
/** A record ID several deals hold (409): they, each with its key, to name one by its key. */
export const resolveCandidatesSchema = z.object({ candidates: z.array(z.object({ correlation_id: z.string(), key: z.string() })) });
export type ResolveCandidate = z.infer<typeof resolveCandidatesSchema>['candidates'][number];
export type ResolveResponse = z.infer<typeof resolveResponseSchema>;
