// A hand-built quote-to-cash book whose every figure is known in advance (see the
// expectations in lib/queries/*.correctness.test.ts). Five deals in EUR, USD and GBP across
// three legal-entity calendars, with a duplicate delivery, a child event that arrives
// before its parent, absent events, and clocks that run across weekends and Easter.
// NOW is Friday 2026-04-10 12:00 UTC; Good Friday (04-03) and Easter Monday (04-06) are
// holidays in the default, German and UK calendars but not in the US one.

import type { CanonicalEvent, CanonicalEventInput } from '../events/schema';
import { canonicalEventSchema } from '../events/schema';

export const FIXTURE_NOW = new Date('2026-04-10T12:00:00Z');

type E = Omit<Partial<CanonicalEventInput>, 'attributes'> &
  Pick<CanonicalEventInput, 'type' | 'entity_type' | 'entity_id' | 'source' | 'occurred_at'> & { attributes?: Record<string, string> };

const e = (id: string, x: E): CanonicalEvent => canonicalEventSchema.parse({ event_id: id, ...x });

const dims = (customer: string, region: string, practice: string, legal_entity: string, billing_model: string, tier = 'enterprise') => ({
  customer, region, practice, legal_entity, billing_model, owner: 'sam', customer_tier: tier,
});

/** Deal A — EUR, Cashtrace GmbH: on-time invoice, late provisioning, late cash application; MS-A2 not late thanks to Easter. */
const dealA: CanonicalEvent[] = [
  e('a1', { type: 'opportunity.won', source: 'crm', entity_type: 'opportunity', entity_id: 'OPP-A', occurred_at: '2026-03-02T09:00:00Z', amount: 100000, currency: 'EUR', attributes: dims('Acme', 'EMEA', 'Advisory', 'Cashtrace GmbH', 'milestone') }),
  e('a2', { type: 'quote.approved', source: 'cpq', entity_type: 'quote', entity_id: 'Q-A', refs: ['crm:opportunity:OPP-A'], occurred_at: '2026-03-03T10:00:00Z', amount: 100000, currency: 'EUR' }),
  e('a3', { type: 'contract.signed', source: 'clm', entity_type: 'contract', entity_id: 'CTR-A', refs: ['cpq:quote:Q-A'], occurred_at: '2026-03-04T10:00:00Z', amount: 100000, currency: 'EUR' }),
  e('a4', { type: 'order.created', source: 'erp', entity_type: 'sales_order', entity_id: 'SO-A', refs: ['clm:contract:CTR-A'], occurred_at: '2026-03-05T09:00:00Z', amount: 100000, currency: 'EUR' }),
  e('a5', { type: 'project.provisioned', source: 'psa', entity_type: 'project', entity_id: 'PRJ-A', refs: ['clm:contract:CTR-A'], occurred_at: '2026-03-05T12:00:00Z' }),
  e('a6', { type: 'billing_schedule.created', source: 'erp', entity_type: 'billing_schedule', entity_id: 'BS-A', refs: ['erp:sales_order:SO-A', 'psa:project:PRJ-A'], occurred_at: '2026-03-06T09:00:00Z', amount: 100000, currency: 'EUR' }),
  e('a7', { type: 'resource.assigned', source: 'psa', entity_type: 'assignment', entity_id: 'RA-A', refs: ['psa:project:PRJ-A'], occurred_at: '2026-03-06T10:00:00Z' }),
  e('a8', { type: 'milestone.completed', source: 'psa', entity_type: 'milestone', entity_id: 'MS-A1', refs: ['psa:project:PRJ-A'], occurred_at: '2026-03-20T10:00:00Z', amount: 40000, currency: 'EUR' }),
  e('a9', { type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-A1', refs: ['erp:sales_order:SO-A', 'psa:milestone:MS-A1'], occurred_at: '2026-03-27T09:00:00Z', amount: 40000, currency: 'EUR', due_at: '2026-04-03T00:00:00Z' }),
  e('a10', { type: 'payment.received', source: 'payments', entity_type: 'payment', entity_id: 'PAY-A1', refs: ['erp:invoice:INV-A1'], occurred_at: '2026-04-01T09:00:00Z', amount: 40000, currency: 'EUR' }),
  e('a11', { type: 'cash.applied', source: 'erp', entity_type: 'cash_application', entity_id: 'CA-A1', refs: ['payments:payment:PAY-A1', 'erp:invoice:INV-A1'], occurred_at: '2026-04-02T10:00:00Z', amount: 40000, currency: 'EUR' }),
  e('a12', { type: 'milestone.completed', source: 'psa', entity_type: 'milestone', entity_id: 'MS-A2', refs: ['psa:project:PRJ-A'], occurred_at: '2026-04-02T10:00:00Z', amount: 60000, currency: 'EUR' }),
];

/** Deal B — USD, Cashtrace Inc (no Easter holidays): never reached ERP, no billing schedule, change order not reflected. */
const dealB: CanonicalEvent[] = [
  e('b1', { type: 'opportunity.won', source: 'crm', entity_type: 'opportunity', entity_id: 'OPP-B', occurred_at: '2026-03-09T09:00:00Z', amount: 50000, currency: 'USD', attributes: dims('Globex', 'NA', 'Cloud', 'Cashtrace Inc', 'time_and_materials', 'mid-market') }),
  e('b2', { type: 'quote.approved', source: 'cpq', entity_type: 'quote', entity_id: 'Q-B', refs: ['crm:opportunity:OPP-B'], occurred_at: '2026-03-10T09:00:00Z', amount: 50000, currency: 'USD' }),
  e('b3', { type: 'contract.signed', source: 'clm', entity_type: 'contract', entity_id: 'CTR-B', refs: ['cpq:quote:Q-B'], occurred_at: '2026-03-12T09:00:00Z', amount: 50000, currency: 'USD' }),
  e('b4', { type: 'project.provisioned', source: 'psa', entity_type: 'project', entity_id: 'PRJ-B', refs: ['clm:contract:CTR-B'], occurred_at: '2026-03-13T09:00:00Z' }),
  e('b5', { type: 'time.approved', source: 'psa', entity_type: 'timesheet', entity_id: 'TS-B1', refs: ['psa:project:PRJ-B'], occurred_at: '2026-03-13T10:00:00Z', period_end: '2026-03-06T00:00:00Z', amount: 1500, currency: 'USD', attributes: { hours: '10', rate: '150' } }),
  e('b6', { type: 'time.approved', source: 'psa', entity_type: 'timesheet', entity_id: 'TS-B2', refs: ['psa:project:PRJ-B'], occurred_at: '2026-03-20T10:00:00Z', period_end: '2026-03-13T00:00:00Z', amount: 3000, currency: 'USD', attributes: { hours: '20', rate: '150' } }),
  e('b7', { type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-B1', refs: ['psa:project:PRJ-B', 'psa:timesheet:TS-B2'], occurred_at: '2026-03-25T09:00:00Z', amount: 3000, currency: 'USD', due_at: '2026-04-24T00:00:00Z' }),
  e('b8', { type: 'change_order.approved', source: 'cpq', entity_type: 'change_order', entity_id: 'CO-B1', refs: ['clm:contract:CTR-B'], occurred_at: '2026-04-07T09:00:00Z', amount: 5000, currency: 'USD' }),
  e('b9', { type: 'time.approved', source: 'psa', entity_type: 'timesheet', entity_id: 'TS-B3', refs: ['psa:project:PRJ-B'], occurred_at: '2026-04-09T10:00:00Z', period_end: '2026-04-05T00:00:00Z', amount: 750, currency: 'USD', attributes: { hours: '5', rate: '150' } }),
];

/** Deal C — GBP, Cashtrace Ltd: partial payments and a credit, an unapplied payment, syncs, an under-billed invoice. */
const dealC: CanonicalEvent[] = [
  e('c1', { type: 'opportunity.won', source: 'crm', entity_type: 'opportunity', entity_id: 'OPP-C', occurred_at: '2026-02-02T09:00:00Z', amount: 80000, currency: 'GBP', attributes: dims('Initech', 'EMEA', 'Cloud', 'Cashtrace Ltd', 'milestone') }),
  e('c2', { type: 'quote.approved', source: 'cpq', entity_type: 'quote', entity_id: 'Q-C', refs: ['crm:opportunity:OPP-C'], occurred_at: '2026-02-03T09:00:00Z', amount: 80000, currency: 'GBP' }),
  e('c3', { type: 'contract.signed', source: 'clm', entity_type: 'contract', entity_id: 'CTR-C', refs: ['cpq:quote:Q-C'], occurred_at: '2026-02-04T09:00:00Z', amount: 80000, currency: 'GBP' }),
  e('c4', { type: 'order.created', source: 'erp', entity_type: 'sales_order', entity_id: 'SO-C', refs: ['clm:contract:CTR-C'], occurred_at: '2026-02-04T15:00:00Z', amount: 80000, currency: 'GBP' }),
  e('c5', { type: 'project.provisioned', source: 'psa', entity_type: 'project', entity_id: 'PRJ-C', refs: ['clm:contract:CTR-C'], occurred_at: '2026-02-05T09:00:00Z' }),
  e('c6', { type: 'billing_schedule.created', source: 'erp', entity_type: 'billing_schedule', entity_id: 'BS-C', refs: ['erp:sales_order:SO-C', 'psa:project:PRJ-C'], occurred_at: '2026-02-05T12:00:00Z', amount: 80000, currency: 'GBP' }),
  e('c7', { type: 'resource.assigned', source: 'psa', entity_type: 'assignment', entity_id: 'RA-C', refs: ['psa:project:PRJ-C'], occurred_at: '2026-02-06T09:00:00Z' }),
  e('c8', { type: 'milestone.completed', source: 'psa', entity_type: 'milestone', entity_id: 'MS-C1', refs: ['psa:project:PRJ-C'], occurred_at: '2026-02-20T09:00:00Z', amount: 30000, currency: 'GBP' }),
  e('c9', { type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-C1', refs: ['erp:sales_order:SO-C', 'psa:milestone:MS-C1'], occurred_at: '2026-02-23T09:00:00Z', amount: 30000, currency: 'GBP', due_at: '2026-03-09T00:00:00Z' }),
  e('c10', { type: 'payment.received', source: 'payments', entity_type: 'payment', entity_id: 'PAY-C1', refs: ['erp:invoice:INV-C1'], occurred_at: '2026-03-05T09:00:00Z', amount: 10000, currency: 'GBP' }),
  e('c11', { type: 'cash.applied', source: 'erp', entity_type: 'cash_application', entity_id: 'CA-C1', refs: ['payments:payment:PAY-C1', 'erp:invoice:INV-C1'], occurred_at: '2026-03-05T11:00:00Z', amount: 10000, currency: 'GBP' }),
  e('c12', { type: 'payment.received', source: 'payments', entity_type: 'payment', entity_id: 'PAY-C2', refs: ['erp:invoice:INV-C1'], occurred_at: '2026-03-20T10:00:00Z', amount: 5000, currency: 'GBP' }),
  e('c13', { type: 'credit_memo.issued', source: 'erp', entity_type: 'credit_memo', entity_id: 'CM-C1', refs: ['erp:invoice:INV-C1'], occurred_at: '2026-03-25T09:00:00Z', amount: 1000, currency: 'GBP', attributes: { reason: 'integration_error' } }),
  e('c14', { type: 'milestone.completed', source: 'psa', entity_type: 'milestone', entity_id: 'MS-C2', refs: ['psa:project:PRJ-C'], occurred_at: '2026-03-02T09:00:00Z', amount: 50000, currency: 'GBP' }),
  e('c15', { type: 'sync.failed', source: 'middleware', entity_type: 'sync', entity_id: 'SY-1', refs: ['psa:milestone:MS-C2'], occurred_at: '2026-03-02T10:00:00Z', amount: 50000, currency: 'GBP', status: 'timeout', attributes: { flow_source: 'psa', flow_target: 'erp', attempt: '1' } }),
  e('c16', { type: 'sync.failed', source: 'middleware', entity_type: 'sync', entity_id: 'SY-2', refs: ['psa:milestone:MS-C2'], occurred_at: '2026-03-02T10:30:00Z', amount: 50000, currency: 'GBP', status: 'timeout', attributes: { flow_source: 'psa', flow_target: 'erp', attempt: '2' } }),
  e('c17', { type: 'sync.succeeded', source: 'middleware', entity_type: 'sync', entity_id: 'SY-3', refs: ['psa:milestone:MS-C2'], occurred_at: '2026-03-02T12:00:00Z', amount: 50000, currency: 'GBP', attributes: { flow_source: 'psa', flow_target: 'erp', attempt: '3' } }),
  e('c18', { type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-C2', refs: ['erp:sales_order:SO-C', 'psa:milestone:MS-C2'], occurred_at: '2026-03-10T09:00:00Z', amount: 48000, currency: 'GBP', due_at: '2026-04-09T00:00:00Z' }),
  e('c22', { type: 'milestone.completed', source: 'psa', entity_type: 'milestone', entity_id: 'MS-C3', refs: ['psa:project:PRJ-C'], occurred_at: '2026-03-31T09:00:00Z', amount: 12000, currency: 'GBP' }),
  e('c19', { type: 'sync.failed', source: 'middleware', entity_type: 'sync', entity_id: 'SY-4', refs: ['erp:invoice:INV-C1'], occurred_at: '2026-04-10T08:00:00Z', amount: 30000, currency: 'GBP', status: 'http_500', attributes: { flow_source: 'erp', flow_target: 'crm', attempt: '1' } }),
];

/** The payment for INV-C2 arrives before the invoice itself (an orphan until its parent shows up). */
const earlyChild: CanonicalEvent[] = [
  e('c20', { type: 'payment.received', source: 'payments', entity_type: 'payment', entity_id: 'PAY-C3', refs: ['erp:invoice:INV-C2'], occurred_at: '2026-03-30T09:00:00Z', amount: 48000, currency: 'GBP' }),
  e('c21', { type: 'cash.applied', source: 'erp', entity_type: 'cash_application', entity_id: 'CA-C3', refs: ['payments:payment:PAY-C3', 'erp:invoice:INV-C2'], occurred_at: '2026-03-30T11:00:00Z', amount: 48000, currency: 'GBP' }),
];

/** Deal D — EUR, Cashtrace GmbH: approved, never provisioned (absence across Easter). */
const dealD: CanonicalEvent[] = [
  e('d1', { type: 'opportunity.won', source: 'crm', entity_type: 'opportunity', entity_id: 'OPP-D', occurred_at: '2026-04-01T09:00:00Z', amount: 20000, currency: 'EUR', attributes: dims('Umbrella', 'EMEA', 'Advisory', 'Cashtrace GmbH', 'fixed_fee') }),
  e('d2', { type: 'quote.approved', source: 'cpq', entity_type: 'quote', entity_id: 'Q-D', refs: ['crm:opportunity:OPP-D'], occurred_at: '2026-04-02T09:00:00Z', amount: 20000, currency: 'EUR' }),
  e('d3', { type: 'contract.signed', source: 'clm', entity_type: 'contract', entity_id: 'CTR-D', refs: ['cpq:quote:Q-D'], occurred_at: '2026-04-02T15:00:00Z', amount: 20000, currency: 'EUR' }),
  e('d4', { type: 'order.created', source: 'erp', entity_type: 'sales_order', entity_id: 'SO-D', refs: ['clm:contract:CTR-D'], occurred_at: '2026-04-03T10:00:00Z', amount: 20000, currency: 'EUR' }),
];

/** Deal E — USD, Cashtrace Inc: approved yesterday, not provisioned yet, not late either. */
const dealE: CanonicalEvent[] = [
  e('e1', { type: 'opportunity.won', source: 'crm', entity_type: 'opportunity', entity_id: 'OPP-E', occurred_at: '2026-04-08T09:00:00Z', amount: 10000, currency: 'USD', attributes: dims('Hooli', 'NA', 'Data', 'Cashtrace Inc', 'retainer', 'smb') }),
  e('e2', { type: 'quote.approved', source: 'cpq', entity_type: 'quote', entity_id: 'Q-E', refs: ['crm:opportunity:OPP-E'], occurred_at: '2026-04-09T09:00:00Z', amount: 10000, currency: 'USD' }),
];

/**
 * The batches, in delivery order: the early payment first, then the deals, with PAY-C1
 * delivered a second time (same event_id) in a later batch.
 */
export function fixtureBatches(): CanonicalEvent[][] {
  const dup = dealC.find((x) => x.event_id === 'c10')!;
  return [earlyChild, [...dealA, ...dealD], dealB, dealC, [dup, ...dealE]];
}
