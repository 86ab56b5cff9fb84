// Request/response schemas of the actions API (POST /api/actions, GET /api/actions/{id},
// POST /api/actions/bulk), shared by the route handlers, lib/actions and the client hook.

import { z } from 'zod';
import { SOURCES } from '../events/catalogue';
import { entityKeySchema } from '../events/entity-key';
import { timestampSchema } from '../events/schema';

export const ACTION_KINDS = ['resync', 'retry', 'replay', 'acknowledge', 'assign', 'snooze', 'resolve'] as const;
export type ActionKindName = (typeof ACTION_KINDS)[number];
export const COMMAND_KINDS = ['resync', 'retry'] as const;
export const EXCEPTION_KINDS = ['acknowledge', 'assign', 'snooze', 'resolve'] as const;

/** The assignee filter's value for items nobody is assigned to (never a username: those start with a letter or digit). */
export const UNASSIGNED = '-';
/** The assignee filter's value for items assigned to someone, whoever it is (not the UI's "assigned to anyone": no filter). */
export const ANY_ASSIGNEE = '*';
/** A queue's assignee filter: a username (any case), UNASSIGNED or ANY_ASSIGNEE. */
export const assigneeFilterParam = z
  .string()
  .trim()
  .toLowerCase()
  .max(64)
  .regex(/^(-|\*|[a-z0-9][a-z0-9._@-]*)$/, 'a username, - for items assigned to nobody, or * for items assigned to someone');

/**
 * A queue's state filter: `active` — needs work (open, acknowledged or assigned: not snoozed
 * until later, not resolved) — `snoozed` (until a time still ahead), `resolved`.
 */
export const EXCEPTION_STATE_FILTERS = ['active', 'snoozed', 'resolved'] as const;
export const stateFilterParam = z.enum(EXCEPTION_STATE_FILTERS);

/** GET /api/assignees: the people stuck items (of one queue) may be assigned to. */
/** `rule`: a queue (a stuck rule, the unstaffed projects) or an SLA policy's id (its open breaches). */
export const assigneesQuerySchema = z.object({ rule: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'rule: a queue or an SLA policy id').optional() });
export const assigneeSchema = z.object({ username: z.string(), display_name: z.string(), role: z.string() });
export type Assignee = z.infer<typeof assigneeSchema>;
export const assigneesResponseSchema = z.object({
  users: z.array(assigneeSchema),
  /** Who holds items but may take no more (disabled since, or their role takes no actions now), with why: a queue filters by them to reassign their items. */
  holders: z.array(z.object({ username: z.string(), display_name: z.string(), why: z.string() })),
});
export type AssigneesResponse = z.infer<typeof assigneesResponseSchema>;

export const ACTION_STATUSES = ['requested', 'sent', 'acknowledged', 'verified', 'failed', 'timed_out'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const TERMINAL_STATUSES: readonly ActionStatus[] = ['verified', 'failed', 'timed_out'];
/** Order of the lifecycle: the current status is the highest-ranked one reached. */
export const STATUS_RANK: Record<ActionStatus, number> = { requested: 0, sent: 1, acknowledged: 2, verified: 3, failed: 3, timed_out: 3 };

/** An instant as events carry them (ISO-8601 or epoch ms, 2000–2100): Date.parse alone let through years the store cannot hold (+275760-09-13). */
const isoTime = timestampSchema;

export const actionRequestSchema = z
  .object({
    kind: z.enum(ACTION_KINDS),
    target: z.enum(SOURCES).optional(),
    entity_key: entityKeySchema.optional(),
    /** The stuck item id `${rule}:${entity_key}`. */
    exception_id: z.string().max(400).optional(),
    dead_letter_id: z.uuid().optional(),
    /** A username (any case); empty unassigns. */
    assignee: z.string().trim().toLowerCase().max(64).optional(),
    until: isoTime.optional(),
    resolution_code: z.string().regex(/^[a-z0-9_]{1,64}$/, 'snake_case code such as fixed_in_source').optional(),
    /** Replay: fields merged into the dead-lettered item before it is re-run (an edited mapping). */
    mapping: z.record(z.string(), z.unknown()).optional(),
    /** Replay even though the letter's record's event of its type was stored after it under another event ID (refused without: it is most likely the same event). */
    force: z.boolean().optional(),
    /** When the item became stuck (from the queue row), for the time-to-resolve KPI. */
    stuck_since: isoTime.optional(),
    reason: z.string().trim().min(1, 'say why').max(1000),
  })
  .superRefine((b, ctx) => {
    const need = (field: keyof typeof b, why: string) => {
      if (b[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: why });
    };
    if (b.kind === 'resync') need('target', 'resync needs the target system');
    // retry without a target goes to the target of the record's last failed sync
    if (b.kind === 'resync' || b.kind === 'retry') need('entity_key', `${b.kind} needs the record (entity_key)`);
    if (b.kind === 'replay') need('dead_letter_id', 'replay needs dead_letter_id');
    if ((EXCEPTION_KINDS as readonly string[]).includes(b.kind)) need('exception_id', `${b.kind} needs exception_id`);
    if (b.kind === 'assign') need('assignee', 'assign needs an assignee (a username; empty to unassign)');
    if (b.kind === 'snooze') {
      need('until', 'snooze needs until');
      if (b.until && Date.parse(b.until) <= Date.now()) ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be in the future' });
    }
    if (b.kind === 'resolve') need('resolution_code', 'resolve needs a resolution_code');
  });
export type ActionRequest = z.infer<typeof actionRequestSchema>;

export const actionCreatedSchema = z.object({
  action_id: z.string(),
  status: z.enum(ACTION_STATUSES),
  /** True when the Idempotency-Key had been used: the existing action is returned. */
  replayed: z.boolean(),
});
export type ActionCreated = z.infer<typeof actionCreatedSchema>;

export const actionStepSchema = z.object({ status: z.enum(ACTION_STATUSES), at: z.string(), detail: z.string() });

export const actionSchema = z.object({
  action_id: z.string(),
  kind: z.enum(ACTION_KINDS),
  target: z.string(),
  entity_key: z.string(),
  exception_id: z.string(),
  dead_letter_id: z.string(),
  assignee: z.string(),
  resolution_code: z.string(),
  reason: z.string(),
  requested_by: z.string(),
  requested_by_name: z.string(),
  requested_role: z.string(),
  requested_at: z.string(),
  subject: z.string(),
  status: z.enum(ACTION_STATUSES),
  /** The failure reason (or the confirming event) of the last step. */
  detail: z.string(),
  history: z.array(actionStepSchema),
});
export type Action = z.infer<typeof actionSchema>;

export const bulkItemSchema = z.object({
  entity_key: entityKeySchema.optional(),
  exception_id: z.string().max(400).optional(),
  dead_letter_id: z.uuid().optional(),
  stuck_since: isoTime.optional(),
});

export const bulkRequestSchema = z.object({
  kind: z.enum(ACTION_KINDS),
  target: z.enum(SOURCES).optional(),
  assignee: z.string().max(64).optional(),
  until: isoTime.optional(),
  resolution_code: z.string().optional(),
  reason: z.string().trim().min(1).max(1000),
  /** The selection: rows of a filtered queue (the client sends what its filter shows). */
  items: z.array(bulkItemSchema).min(1).max(500),
  dry_run: z.boolean().default(false),
});
export type BulkRequest = z.infer<typeof bulkRequestSchema>;

export const bulkResultItemSchema = z.object({
  index: z.number(),
  key: z.string(),
  outcome: z.enum(['would_run', 'created', 'existing', 'refused', 'invalid']),
  action_id: z.string().nullable(),
  status: z.string().nullable(),
  message: z.string(),
});
export const bulkResponseSchema = z.object({ dry_run: z.boolean(), items: z.array(bulkResultItemSchema) });
export type BulkResponse = z.infer<typeof bulkResponseSchema>;
