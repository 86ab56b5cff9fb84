// Alert rules: request/response schemas of the admin CRUD API (/api/alerts/rules), shared
// by the route handlers, the evaluator and the admin page.

import { z } from 'zod';
import { KPI_IDS } from '../kpis/definitions';
import { STUCK_RULE_NAMES } from '../stuck/rules';
import { usernameSchema } from './auth';

export const ALERT_KINDS = ['stuck_count', 'stuck_amount', 'flow_error_rate', 'sla_breaches', 'kpi_off_target', 'assigned_work'] as const;
export const ALERT_CHANNELS = ['webhook', 'slack'] as const;

/** Per kind: `threshold` (count, money, error share 0-1, or for a KPI how far past its target
 * as a share of it, 0: any; for assigned work, the hours an item must be late, 0: any),
 * `rule` (a stuck rule, SLA policy id or KPI id; for assigned work, a username; optional: all),
 * `window_minutes` and `min_runs` (flows), `currency` (money: the currency the threshold is
 * in; a rule saved without one is in the reporting currency of the day, which it keeps, so a
 * later change of reporting currency converts the threshold instead of changing its meaning). */
export const alertParamsSchema = z.object({
  threshold: z.number().min(0),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO-4217 code in capitals, e.g. EUR').optional(),
  rule: z.string().max(100).optional(),
  window_minutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
  min_runs: z.number().int().min(1).default(5),
});
export type AlertParams = z.infer<typeof alertParamsSchema>;

/** Why a rule's `rule` cannot be what its kind watches (a stuck queue or a KPI that does not exist), else null. */
export function alertRuleRefusal(kind: (typeof ALERT_KINDS)[number], params: AlertParams): string | null {
  if (!params.rule) return null;
  if (kind === 'kpi_off_target' && !(KPI_IDS as readonly string[]).includes(params.rule)) return `no KPI "${params.rule}": one of ${KPI_IDS.join(', ')}, or none for every KPI`;
  if ((kind === 'stuck_count' || kind === 'stuck_amount') && !(STUCK_RULE_NAMES as readonly string[]).includes(params.rule)) return `no stuck queue "${params.rule}": one of ${STUCK_RULE_NAMES.join(', ')}, or none for every queue`;
  if (kind === 'assigned_work' && !usernameSchema.safeParse(params.rule).success) return `"${params.rule}" is not a username: one user's, or none for everyone's`;
  return null;
}

const urlSchema = z.url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');

export const alertRuleInputSchema = z.object({
  name: z.string().min(1).max(200),
  kind: z.enum(ALERT_KINDS),
  params: alertParamsSchema,
  channel: z.enum(ALERT_CHANNELS),
  url: urlSchema,
  /** Reminders while the breach stays open (0: none). */
  reminder_minutes: z.number().int().min(0).max(7 * 24 * 60).default(60),
  enabled: z.boolean().default(true),
  reason: z.string().max(500).optional(),
});
export type AlertRuleInput = z.infer<typeof alertRuleInputSchema>;
export const alertRulePatchSchema = alertRuleInputSchema.partial();

export const alertRuleSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ALERT_KINDS),
  params: alertParamsSchema,
  channel: z.enum(ALERT_CHANNELS),
  url: z.string(),
  reminder_minutes: z.number(),
  enabled: z.boolean(),
  updated_at: z.string(),
  updated_by: z.string(),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

export const NOTICES = ['opened', 'reminder', 'resolved'] as const;
export type Notice = (typeof NOTICES)[number];

/** The generic webhook body (Slack channels get {text} instead). */
export const alertNotificationSchema = z.object({
  notice: z.enum(NOTICES),
  delivery_id: z.string(),
  incident_id: z.string(),
  rule: z.object({ id: z.string(), name: z.string(), kind: z.enum(ALERT_KINDS) }),
  breach_key: z.string(),
  summary: z.string(),
  value: z.number(),
  threshold: z.number(),
  opened_at: z.string(),
  at: z.string(),
});
export type AlertNotification = z.infer<typeof alertNotificationSchema>;
