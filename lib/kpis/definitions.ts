// The executive KPIs of DOMAIN.md §8: what each measures, in which unit, which way is
// better, and its target. Durations are measured in calendar time (what a customer feels);
// the SLA view measures the same clocks in business time.

import type { IntervalSpec } from '../sla/interval-spec';

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
