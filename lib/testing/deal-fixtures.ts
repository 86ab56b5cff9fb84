// Test fixture: five hand-built deals whose journeys, stages, deviations and variants
// are known exactly (the query tests assert them; the e2e seed sends the same events
// through the real ingest endpoint). Deterministic event IDs, several currencies, an
// event that arrives before its parent, a duplicate and hostile strings.
//
//   A fixed_fee EUR  Acme GmbH      every path step done, conforming; payment arrives before its
//                                   invoice; the milestone's sync to the ERP failed, never recovered
//   B t&m       USD  Borealis Inc   set up; no sales order yet (overdue), provisioning 4 days late
//   C retainer  GBP  Cobalt & Sons  booked; contract before quote, quote approved twice, hostile contract id
//   D fixed_fee EUR  Dunmore Ltd    booked (won, quote)
//   E fixed_fee EUR  Elbe AG        booked (won, quote)

import type { CanonicalEventInput } from '../events/schema';

type Extra = Partial<CanonicalEventInput>;

function e(id: string, type: CanonicalEventInput['type'], source: CanonicalEventInput['source'], entity: string, at: string, extra: Extra = {}): CanonicalEventInput {
  const [entity_type, entity_id] = entity.split('/');
  return {
    event_id: id,
    type,
    source,
    entity_type,
    entity_id,
    occurred_at: `2026-${at}:00Z`,
    payload: { fixture: true, id, type, entity_id },
    ...extra,
  };
}

const dims = (customer: string, region: string, practice: string, legal_entity: string, billing_model: string, currency: string) => ({
  attributes: { customer, region, practice, legal_entity, billing_model, currency },
});

export const HOSTILE_CONTRACT_ID = `CTR-C'); DROP TABLE events;-- %_\\ <b>`;

/** The payment of deal A, sent alone first: it refers to an invoice nobody has seen yet. */
export const EARLY_PAYMENT: CanonicalEventInput = e('fx-a-pay', 'payment.received', 'payments', 'payment/PAY-A1', '04-20T09:00', {
  refs: ['erp:invoice:INV-A1'],
  amount: 40000,
  currency: 'EUR',
  status: 'succeeded',
});

export const DEAL_EVENTS: CanonicalEventInput[] = [
  // A: fixed fee, complete
  e('fx-a-won', 'opportunity.won', 'crm', 'opportunity/OPP-A', '03-02T09:00', { amount: 120000, currency: 'EUR', ...dims('Acme GmbH', 'EMEA', 'Advisory', 'Cashtrace GmbH', 'fixed_fee', 'EUR') }),
  e('fx-a-quote', 'quote.approved', 'cpq', 'quote/Q-A', '03-03T09:00', { refs: ['crm:opportunity:OPP-A'], amount: 120000, currency: 'EUR' }),
  e('fx-a-ctr', 'contract.signed', 'clm', 'contract/CTR-A', '03-05T09:00', { refs: ['cpq:quote:Q-A'], amount: 120000, currency: 'EUR' }),
  e('fx-a-so', 'order.created', 'erp', 'sales_order/SO-A', '03-06T09:00', { refs: ['crm:opportunity:OPP-A', 'clm:contract:CTR-A'], amount: 120000, currency: 'EUR' }),
  e('fx-a-prj', 'project.provisioned', 'psa', 'project/PRJ-A', '03-06T14:00', { refs: ['clm:contract:CTR-A'] }),
  e('fx-a-bs', 'billing_schedule.created', 'erp', 'billing_schedule/BS-A', '03-09T09:00', { refs: ['erp:sales_order:SO-A', 'psa:project:PRJ-A'], amount: 120000, currency: 'EUR' }),
  e('fx-a-ra', 'resource.assigned', 'psa', 'assignment/RA-A', '03-10T09:00', { refs: ['psa:project:PRJ-A'], attributes: { role: 'manager' } }),
  e('fx-a-sync', 'sync.failed', 'middleware', 'sync/RUN-A1', '04-01T09:30', {
    refs: ['psa:milestone:MS-A1'],
    status: 'timeout',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
    attributes: { flow_source: 'psa', flow_target: 'erp', attempt: '1' },
  }),
  e('fx-a-ms', 'milestone.completed', 'psa', 'milestone/MS-A1', '04-01T09:00', { refs: ['psa:project:PRJ-A'], amount: 40000, currency: 'EUR' }),
  e('fx-a-inv', 'invoice.issued', 'erp', 'invoice/INV-A1', '04-02T09:00', {
    refs: ['erp:sales_order:SO-A', 'psa:milestone:MS-A1'],
    amount: 40000,
    currency: 'EUR',
    due_at: '2026-05-02T00:00:00Z',
    status: 'posted',
  }),
  e('fx-a-ca', 'cash.applied', 'erp', 'cash_application/CA-A1', '04-21T09:00', { refs: ['payments:payment:PAY-A1', 'erp:invoice:INV-A1'], amount: 40000, currency: 'EUR' }),
  // B: time and materials, stuck in set-up
  e('fx-b-won', 'opportunity.won', 'crm', 'opportunity/OPP-B', '03-10T09:00', { amount: 50000, currency: 'USD', ...dims('Borealis Inc', 'NA', 'Engineering', 'Cashtrace Inc', 'time_and_materials', 'USD') }),
  e('fx-b-quote', 'quote.approved', 'cpq', 'quote/Q-B', '03-11T09:00', { refs: ['crm:opportunity:OPP-B'], amount: 50000, currency: 'USD' }),
  e('fx-b-ctr', 'contract.signed', 'clm', 'contract/CTR-B', '03-12T09:00', { refs: ['cpq:quote:Q-B'], amount: 50000, currency: 'USD' }),
  e('fx-b-prj', 'project.provisioned', 'psa', 'project/PRJ-B', '03-20T09:00', { refs: ['clm:contract:CTR-B'] }),
  // C: retainer, reordered and repeated, hostile contract id
  e('fx-c-won', 'opportunity.won', 'crm', 'opportunity/OPP-C', '03-16T09:00', { amount: 30000, currency: 'GBP', ...dims('Cobalt & Sons <script>', 'EMEA', 'Managed services', 'Cashtrace Ltd', 'retainer', 'GBP') }),
  e('fx-c-ctr', 'contract.signed', 'clm', `contract/${HOSTILE_CONTRACT_ID}`, '03-17T09:00', { refs: ['crm:opportunity:OPP-C'], amount: 30000, currency: 'GBP' }),
  e('fx-c-quote1', 'quote.approved', 'cpq', 'quote/Q-C', '03-18T09:00', { refs: ['crm:opportunity:OPP-C'], amount: 28000, currency: 'GBP' }),
  e('fx-c-quote2', 'quote.approved', 'cpq', 'quote/Q-C', '03-19T09:00', { refs: ['crm:opportunity:OPP-C'], amount: 30000, currency: 'GBP' }),
  // D and E: booked, the same path
  e('fx-d-won', 'opportunity.won', 'crm', 'opportunity/OPP-D', '03-24T09:00', { amount: 8000, currency: 'EUR', ...dims('Dunmore Ltd', 'EMEA', 'Advisory', 'Cashtrace Ltd', 'fixed_fee', 'EUR') }),
  e('fx-d-quote', 'quote.approved', 'cpq', 'quote/Q-D', '03-25T09:00', { refs: ['crm:opportunity:OPP-D'], amount: 8000, currency: 'EUR' }),
  e('fx-e-won', 'opportunity.won', 'crm', 'opportunity/OPP-E', '03-25T09:00', { amount: 9000, currency: 'EUR', ...dims('Elbe AG', 'EMEA', 'Advisory', 'Cashtrace GmbH', 'fixed_fee', 'EUR') }),
  e('fx-e-quote', 'quote.approved', 'cpq', 'quote/Q-E', '03-26T09:00', { refs: ['crm:opportunity:OPP-E'], amount: 9000, currency: 'EUR' }),
];

export const INVOICE_A = DEAL_EVENTS.find((x) => x.event_id === 'fx-a-inv')!;

/** Correlation IDs the stitcher gives the fixture deals (their opportunity keys). */
export const DEAL_IDS = {
  A: 'crm:opportunity:OPP-A',
  B: 'crm:opportunity:OPP-B',
  C: 'crm:opportunity:OPP-C',
  D: 'crm:opportunity:OPP-D',
  E: 'crm:opportunity:OPP-E',
} as const;
