// The executive KPIs of DOMAIN.md §8: what each measures, in which unit, which way is
// better, and its target. Durations are measured in calendar time (what a customer feels);
// the SLA view measures the same clocks in business time.

import type { IntervalSpec } from '../sla/interval-spec';
import { env } from '../env';
import { overrides, type SettingOverride } from '../settings/state';

export const KPI_IDS = [
  'quote_to_cash',
  'quote_to_project',
  'contract_to_billing_setup',
  'milestone_to_invoice',
  'invoice_to_cash',
  'dso',
  'payment_application_lag',
  'invoice_exception_rate',
  'integration_failure_rate',
  'integration_mttr',
  'time_billed_within_sla',
  'traceability',
] as const;
export type KpiId = (typeof KPI_IDS)[number];

export type KpiUnit = 'hours' | 'days' | 'share';

export interface KpiDefinition {
  id: KpiId;
  label: string;
  unit: KpiUnit;
  /** Which way is good. */
  better: 'lower' | 'higher';
  target: number;
  description: string;
  /** Durations: the clock measured (closed intervals only). */
  clock?: Omit<IntervalSpec, 'threshold_hours'>;
}

const cal = { anchor: 'occurred_at', unit: 'calendar' } as const;

export const KPIS: KpiDefinition[] = [
  { id: 'quote_to_cash', label: 'Quote to cash', unit: 'days', better: 'lower', target: 60,
    description: 'Quote approved → first payment received, per deal', clock: { ...cal, start_events: ['quote.approved'], end_events: ['payment.received'], match: 'deal' } },
  { id: 'quote_to_project', label: 'Quote to project', unit: 'hours', better: 'lower', target: 48,
    description: 'Quote approved → project provisioned, per deal', clock: { ...cal, start_events: ['quote.approved'], end_events: ['project.provisioned'], match: 'deal' } },
  { id: 'contract_to_billing_setup', label: 'Contract to billing setup', unit: 'hours', better: 'lower', target: 72,
    description: 'Contract signed → billing schedule created, per deal', clock: { ...cal, start_events: ['contract.signed'], end_events: ['billing_schedule.created'], match: 'deal' } },
  { id: 'milestone_to_invoice', label: 'Milestone to invoice', unit: 'days', better: 'lower', target: 5,
    description: 'Milestone completed → invoice that bills it', clock: { ...cal, start_events: ['milestone.completed'], end_events: ['invoice.issued'], match: 'record' } },
  { id: 'invoice_to_cash', label: 'Invoice to cash', unit: 'days', better: 'lower', target: 30,
    description: 'Invoice issued → paid in full (payments and credits)', clock: { ...cal, start_events: ['invoice.issued'], end_events: ['payment.received', 'credit_memo.issued'], match: 'invoice-paid' } },
  { id: 'dso', label: 'DSO', unit: 'days', better: 'lower', target: 45,
    description: 'Open receivables at the end of the period ÷ invoiced in the period × days in the period' },
  { id: 'payment_application_lag', label: 'Payment application lag', unit: 'hours', better: 'lower', target: 24,
    description: 'Payment received → cash applied', clock: { ...cal, start_events: ['payment.received'], end_events: ['cash.applied'], match: 'record' } },
  { id: 'invoice_exception_rate', label: 'Invoice exception rate', unit: 'share', better: 'lower', target: 0.02,
    description: 'Share of invoices disputed or credited' },
  { id: 'integration_failure_rate', label: 'Integration failure rate', unit: 'share', better: 'lower', target: 0.02,
    description: 'Failed syncs ÷ all sync outcomes' },
  { id: 'integration_mttr', label: 'Integration MTTR', unit: 'hours', better: 'lower', target: 1,
    description: 'First failure → next successful sync of the same record and target (mean)', clock: { ...cal, start_events: ['sync.failed'], end_events: ['sync.succeeded'], match: 'sync-recovery' } },
  { id: 'time_billed_within_sla', label: 'Time billed within SLA', unit: 'share', better: 'higher', target: 0.95,
    description: 'Share of approved time on an invoice within 35 days of its period end (decided items)' },
  { id: 'traceability', label: 'Traceability', unit: 'share', better: 'higher', target: 0.98,
    description: 'Share of deals whose path has no unexplained gap (every later step has the steps it depends on)' },
];

export const KPI_BY_ID = Object.fromEntries(KPIS.map((k) => [k.id, k])) as Record<KpiId, KpiDefinition>;

const UNIT_SUFFIX: Record<KpiUnit, RegExp> = {
  days: /^([0-9]+(?:\.[0-9]+)?)\s*d?$/,
  hours: /^([0-9]+(?:\.[0-9]+)?)\s*h?$/,
  share: /^([0-9]+(?:\.[0-9]+)?)\s*(%?)$/,
};
const EXAMPLE: Record<KpiUnit, string> = { days: '45 or 45d (days)', hours: '24 or 24h (hours)', share: '2% or 0.02' };

let targetsOf: { from: string | undefined; over: Readonly<Record<string, SettingOverride>>; targets: Record<KpiId, number> } | null = null;

/** The value `input` (as CASHTRACE_KPI_TARGETS writes it: `45`, `45d`, `24h`, `3%`, `0.03`) stands for as KPI `k`'s target, or null. */
export function parseKpiTarget(k: KpiDefinition, input: string): number | null {
  const m = UNIT_SUFFIX[k.unit].exec(input.trim());
  const value = m ? Number(m[1]) / (k.unit === 'share' && m[2] === '%' ? 100 : 1) : NaN;
  return validKpiTarget(k, value) ? value : null;
}

/** A target KPI `k` can have: a finite number ≥ 0, a share at most 1. */
export function validKpiTarget(k: KpiDefinition, value: number): boolean {
  return Number.isFinite(value) && value >= 0 && (k.unit !== 'share' || value <= 1);
}

/** How a target of KPI `k` is written, e.g. `dso=45 or 45d (days)`. */
export function kpiTargetExample(k: KpiDefinition): string {
  return `${k.id}=${EXAMPLE[k.unit]}`;
}

/**
 * Each KPI's target as the environment sets it: the built-in one, or CASHTRACE_KPI_TARGETS's
 * (`dso=60,invoice_exception_rate=3%`: days, hours or a share as the KPI is measured). A bad
 * pair throws naming it (start-up calls it).
 */
export function configuredKpiTargets(source: string | undefined = env().CASHTRACE_KPI_TARGETS): Record<KpiId, number> {
  const targets = Object.fromEntries(KPIS.map((k) => [k.id, k.target])) as Record<KpiId, number>;
  const problems: string[] = [];
  for (const part of (source ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const id = part.slice(0, Math.max(eq, 0)).trim() as KpiId;
    const k = KPI_BY_ID[id];
    if (eq < 0 || !k) {
      problems.push(`"${part}": not KPI=target with a KPI of ${KPI_IDS.join(', ')}`);
      continue;
    }
    const value = parseKpiTarget(k, part.slice(eq + 1));
    if (value === null) {
      problems.push(`"${part}": ${k.label} ${k.unit === 'share' ? 'is a share' : `is measured in ${k.unit}`}: e.g. ${kpiTargetExample(k)}`);
      continue;
    }
    targets[id] = value;
  }
  if (problems.length) throw new Error(`CASHTRACE_KPI_TARGETS: ${problems.join('; ')}`);
  return targets;
}

/**
 * Each KPI's target in force: the environment's (configuredKpiTargets) with the targets an
 * admin set on /admin over them (the same object while neither changes).
 */
export function kpiTargets(source: string | undefined = env().CASHTRACE_KPI_TARGETS): Record<KpiId, number> {
  const over = overrides().kpi_target;
  if (targetsOf && targetsOf.from === source && targetsOf.over === over) return targetsOf.targets;
  const targets = configuredKpiTargets(source);
  for (const [id, o] of Object.entries(over)) if (KPI_BY_ID[id as KpiId] && validKpiTarget(KPI_BY_ID[id as KpiId], o.value)) targets[id as KpiId] = o.value;
  targetsOf = { from: source, over, targets };
  return targets;
}
