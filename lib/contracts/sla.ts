// SLA policies and breaches: the shapes shared by /api/sla/* routes, queries and hooks.
// The policy schema carries the validation rules an admin sees when a save is refused.

import { z } from 'zod';
import { intervalSpecSchema } from '../sla/interval-spec';
import { filtersSchema, nowParam } from '../queries/filters';
import { keysetCursorParam } from '../queries/page';
import { DIMENSIONS, HOME_SYSTEM, isCatalogueType, type Source } from '../events/catalogue';
import { RULE_OWNER } from '../auth/role-matrix';
import { assigneeFilterParam, stateFilterParam } from './actions';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** The roles whose queues work breaches (DOMAIN.md §9): a policy's open breaches are its owner's to work. */
export const BREACH_OWNERS = ['finance', 'pmo', 'it'] as const;
export type BreachOwner = (typeof BREACH_OWNERS)[number];
export const BREACH_OWNER_LABEL: Record<BreachOwner, string> = { finance: 'Finance', pmo: 'PMO', it: 'IT' };

/**
 * Whose a policy's breaches are when its save names no owner: a stuck rule's policy its
 * queue's (fixed); else the PMO when the clock waits only for the PSA, IT when only for the
 * middleware (a sync), finance otherwise (billing, collections, contracts).
 */
export function defaultBreachOwner(p: { id?: string; end_events: readonly string[] }): BreachOwner {
  const rule = p.id ? (RULE_OWNER[p.id] as BreachOwner | undefined) : undefined;
  if (rule) return rule;
  const waitsFor = policyEndSystem(p);
  return waitsFor === 'psa' ? 'pmo' : waitsFor === 'middleware' ? 'it' : 'finance';
}

/** The one system every end event of a policy comes from (HOME_SYSTEM), or null when they come from several. */
export function policyEndSystem(p: { end_events: readonly string[] }): Source | null {
  const systems = new Set(p.end_events.map((t) => (isCatalogueType(t) ? HOME_SYSTEM[t] : null)));
  const [only] = systems;
  return systems.size === 1 && only ? only : null;
}

const scopeValue = z.string().trim().max(100, 'at most 100 characters').default('');

export const slaPolicyInputSchema = intervalSpecSchema
  .extend({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'id: 2–63 lowercase letters, digits and dashes')
      .optional(),
    name: z.string().trim().min(3, 'name must be at least 3 characters').max(120, 'name must be at most 120 characters'),
    description: z.string().trim().max(500).default(''),
    scope: z
      .object({ region: scopeValue, billing_model: scopeValue, legal_entity: scopeValue, customer_tier: scopeValue })
      .default({ region: '', billing_model: '', legal_entity: '', customer_tier: '' }),
    severity: z.enum(SEVERITIES),
    enabled: z.boolean().default(true),
    /** Who works its open breaches (acknowledge, assign, snooze, resolve); default: defaultBreachOwner. */
    owner: z.enum(BREACH_OWNERS, { message: `one of ${BREACH_OWNERS.join(', ')}` }).optional(),
  })
  .superRefine((p, ctx) => {
    const queue = p.id ? RULE_OWNER[p.id] : undefined;
    if (queue && p.owner && p.owner !== queue)
      ctx.addIssue({ code: 'custom', path: ['owner'], message: `a stuck rule's breaches are its queue's, ${queue}'s` });
    const overlap = p.start_events.filter((t) => p.end_events.includes(t));
    if (overlap.length) ctx.addIssue({ code: 'custom', path: ['end_events'], message: `an event cannot both start and stop the clock: ${overlap.join(', ')}` });
    if (p.match === 'invoice-paid' && (p.start_events.length !== 1 || p.start_events[0] !== 'invoice.issued'))
      ctx.addIssue({ code: 'custom', path: ['match'], message: 'matching "paid in full" needs invoice.issued as the only start event' });
    if (p.match === 'sync-recovery' && (p.start_events.join() !== 'sync.failed' || p.end_events.join() !== 'sync.succeeded'))
      ctx.addIssue({ code: 'custom', path: ['match'], message: 'matching "sync recovery" needs sync.failed → sync.succeeded' });
    if (p.anchor === 'due_at' && !p.start_events.every((t) => t === 'invoice.issued'))
      ctx.addIssue({ code: 'custom', path: ['anchor'], message: 'only invoices carry a due date' });
    if (p.anchor === 'period_end' && !p.start_events.every((t) => t === 'time.approved'))
      ctx.addIssue({ code: 'custom', path: ['anchor'], message: 'only approved time carries a period end' });
    if (p.threshold_hours === 0 && p.anchor === 'occurred_at')
      ctx.addIssue({ code: 'custom', path: ['threshold_hours'], message: 'a zero threshold only makes sense from a due date' });
  });
export type SlaPolicyInput = z.input<typeof slaPolicyInputSchema>;

export const slaPolicySchema = intervalSpecSchema.extend({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  scope: z.object({ region: z.string(), billing_model: z.string(), legal_entity: z.string(), customer_tier: z.string() }),
  severity: z.enum(SEVERITIES),
  enabled: z.boolean(),
  owner: z.enum(BREACH_OWNERS),
  updated_at: z.string(),
  updated_by: z.string(),
});
export type SlaPolicy = z.infer<typeof slaPolicySchema>;

export const BREACH_KINDS = ['open', 'late'] as const;

export const slaBreachesQuerySchema = filtersSchema.extend({
  policy: z.string().max(63).optional(),
  kind: z.enum(BREACH_KINDS).optional(),
  by: z.enum(DIMENSIONS).default('region'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /**
   * The open breaches' workflow, as a queue's filters: assigned to (a username, - nobody, *
   * someone) and state (active: needs work; snoozed; resolved). Either one lists open
   * breaches only (a late arrival needs no work); `total` counts what they match.
   */
  assignee: assigneeFilterParam.optional(),
  state: stateFilterParam.optional(),
  /** 1: only the policies of one's own (not the nine stuck rules', whose open breaches are the queues' items). */
  own: z.literal('1', { message: 'own: 1, or leave it out' }).optional(),
  /**
   * 0: only the breaches the workflow's filters match and their count (`total`), without the
   * policies' figures (policies, compliance, series, by_dimension empty): the nav's count.
   * Needs assignee= or state=.
   */
  figures: z.literal('0', { message: "figures: 0 (the breaches and their count, not the policies' figures), or leave it out" }).optional(),
  /** Opaque keyset cursor from the previous page's `next_cursor`. */
  cursor: keysetCursorParam.optional(),
  now: nowParam().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type SlaBreachesQuery = z.infer<typeof slaBreachesQuerySchema>;

/** What /sla first asks for (by region, every kind, 50 records); its server-rendered data is this. */
export const SLA_FIRST_VIEW = { by: 'region', limit: 50 } as const;

export const slaBreachSchema = z.object({
  policy_id: z.string(),
  severity: z.string(),
  kind: z.enum(BREACH_KINDS),
  entity_key: z.string(),
  correlation_id: z.string(),
  customer: z.string(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  late_hours: z.number(),
  value: z.number(),
  /**
   * An open breach is worked as an exception: its id (`${policy_id}:${entity_key}`, the
   * exception workflow's key) and workflow state. For one of the nine stuck rules' policies it
   * is that queue's stuck item, worked from here as from /stuck; another policy's is its
   * owner's. '' (and 'open') for late arrivals, which need no work.
   */
  exception_id: z.string(),
  /** The role whose work the breach is (the policy's owner). */
  owner: z.enum(BREACH_OWNERS),
  /**
   * Where an open breach's record is re-synced to: a stuck rule's target (lib/actions/targets),
   * else the one system the policy's end events come from (policyEndSystem; not the
   * middleware's: a sync is retried, not re-synced). '' for none.
   */
  resync_target: z.string(),
  state: z.string(),
  assignee: z.string(),
  state_by: z.string(),
  state_at: z.string(),
  snoozed_until: z.string(),
});
export type SlaBreach = z.infer<typeof slaBreachSchema>;

export const slaPolicyStatsSchema = z.object({
  policy_id: z.string(),
  name: z.string(),
  severity: z.string(),
  evaluated: z.number(),
  met: z.number(),
  open_breaches: z.number(),
  late_arrivals: z.number(),
  compliance: z.number().nullable(),
});

export const slaBreachesResponseSchema = z.object({
  policies: z.array(slaPolicyStatsSchema),
  compliance: z.number().nullable(),
  series: z.array(z.object({ week: z.string(), policy_id: z.string(), breaches: z.number() })),
  by_dimension: z.array(z.object({ value: z.string(), breaches: z.number(), evaluated: z.number() })),
  by: z.enum(DIMENSIONS),
  breaches: z.array(slaBreachSchema),
  total: z.number(),
  next_cursor: z.string().nullable(),
  /** The currency of each breach's value (CASHTRACE_REPORTING_CURRENCY). */
  reporting_currency: z.string(),
});
export type SlaBreachesResponse = z.infer<typeof slaBreachesResponseSchema>;
