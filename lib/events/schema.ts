// The canonical event (DOMAIN.md §3): the single source of truth for the event shape.
// Collectors produce it, the bus carries it, the ClickHouse tables follow it.

import { z } from 'zod';
import { ALL_EVENT_TYPES, SOURCES } from './catalogue';
import { PRINTABLE, entityKeySchema } from './entity-key';
import { fastCanonicalEvent } from './fast-validate';

const idString = (max: number) =>
  z.string().min(1, 'must not be empty').max(max).regex(PRINTABLE, 'must not contain control characters');

const optionalText = (max: number) =>
  z.string().max(max).regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters').default('');

/** Accepts ISO-8601 strings (with offset) and epoch milliseconds; normalises to ISO UTC. */
export const timestampSchema = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const d = typeof v === 'number' ? new Date(v) : new Date(v);
    if (Number.isNaN(d.getTime()) || (typeof v === 'string' && !/^\d{4}-\d{2}-\d{2}/.test(v))) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 timestamp or epoch milliseconds' });
      return z.NEVER;
    }
    const y = d.getUTCFullYear();
    if (y < 2000 || y > 2100) {
      ctx.addIssue({ code: 'custom', message: 'must be between the years 2000 and 2100' });
      return z.NEVER;
    }
    return d.toISOString();
  });

export const attributesSchema = z
  .record(z.string().max(64).regex(/^[a-z][a-z0-9_]*$/, 'attribute names are snake_case'), z.string().max(200))
  .refine((a) => Object.keys(a).length <= 32, 'at most 32 attributes')
  .default({});

export const canonicalEventSchema = z.object({
  event_id: idString(200),
  source: z.enum(SOURCES),
  source_instance: optionalText(100),
  type: z.enum(ALL_EVENT_TYPES),
  occurred_at: timestampSchema,
  received_at: timestampSchema.optional(),
  entity_type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be snake_case, at most 64 characters'),
  entity_id: idString(200),
  refs: z.array(entityKeySchema).max(50).default([]),
  correlation_id: optionalText(200),
  amount: z.number().finite().min(-1e13).max(1e13).nullable().default(null),
  currency: z
    .string()
    .regex(/^([A-Z]{3})?$/, 'must be an ISO-4217 code such as EUR')
    .default(''),
  status: optionalText(64),
  /** Dates the stuck rules need: an invoice's due date, a timesheet's period end. */
  due_at: timestampSchema.nullable().default(null),
  period_end: timestampSchema.nullable().default(null),
  attributes: attributesSchema,
  trace_id: z.string().regex(/^([0-9a-f]{32})?$/, 'must be 32 lowercase hex digits').default(''),
  span_id: z.string().regex(/^([0-9a-f]{16})?$/, 'must be 16 lowercase hex digits').default(''),
  payload: z.unknown().default(null),
});

/** What a producer sends (defaults optional). */
export type CanonicalEventInput = z.input<typeof canonicalEventSchema>;
/** What the pipeline carries after validation. */
export type CanonicalEvent = z.output<typeof canonicalEventSchema>;

export type EventValidationError = { index: number; errors: string[] };

export function formatZodIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
}

/**
 * Validates one event: ordinary events take the hand-written fast path (same output); the
 * rest, and every error message, come from zod.
 */
export function validateEvent(input: unknown): { event: CanonicalEvent; errors?: undefined } | { errors: string[] } {
  const fast = fastCanonicalEvent(input);
  if (fast) return { event: fast };
  const r = canonicalEventSchema.safeParse(input);
  return r.success ? { event: r.data } : { errors: formatZodIssues(r.error) };
}

/** Validates a batch; good events are returned with their input index, bad ones with readable errors. */
export function validateEvents(inputs: unknown[]): {
  valid: { index: number; event: CanonicalEvent }[];
  rejected: EventValidationError[];
} {
  const valid: { index: number; event: CanonicalEvent }[] = [];
  const rejected: EventValidationError[] = [];
  inputs.forEach((input, index) => {
    const v = validateEvent(input);
    if (v.errors) rejected.push({ index, errors: v.errors });
    else valid.push({ index, event: v.event });
  });
  return { valid, rejected };
}
