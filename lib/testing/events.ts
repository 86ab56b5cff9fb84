// Test helper: compact builders for canonical events.

import { canonicalEventSchema, type CanonicalEvent, type CanonicalEventInput } from '../events/schema';

let n = 0;

export function ev(partial: Partial<CanonicalEventInput> & Pick<CanonicalEventInput, 'type' | 'entity_type' | 'entity_id'>): CanonicalEvent {
  n += 1;
  return canonicalEventSchema.parse({
    event_id: `test-${n}-${Math.random().toString(36).slice(2)}`,
    source: 'crm',
    occurred_at: '2026-03-02T09:00:00Z',
    ...partial,
  });
}

/** An `invoice.issued` as a collector sends it (plain JSON): event `<tag>-<n>`, invoice INV-<TAG>-<n> of deal OPP-<TAG>-<n % deals>. */
export function invoiceIssued(tag: string, n: number, deals = 97) {
  const T = tag.toUpperCase();
  return {
    event_id: `${tag}-${n}`,
    source: 'erp',
    type: 'invoice.issued',
    occurred_at: '2026-05-04T10:00:00Z',
    entity_type: 'invoice',
    entity_id: `INV-${T}-${n}`,
    refs: [`crm:opportunity:OPP-${T}-${n % deals}`],
    amount: 100 + n,
    currency: 'EUR',
  };
}

/**
 * A won deal (customer `customer`, EMEA, milestone billing) with a project and milestones of
 * `amounts` completed 30 days ago, none invoiced (stuck in milestone-not-invoiced): events
 * `<tag>-opp`, `<tag>-prj`, `<tag>-ms<i>` of OPP-<TAG>, PRJ-<TAG>, MS-<TAG><i> (i from 1).
 */
export function uninvoicedMilestones(tag: string, customer: string, amounts: number[], now = Date.now()) {
  const T = tag.toUpperCase();
  const ago = (days: number) => new Date(now - days * 86_400_000).toISOString();
  const attrs = { customer, region: 'EMEA', practice: 'Data', legal_entity: 'ACME-DE', billing_model: 'milestone' };
  return [
    { event_id: `${tag}-opp`, source: 'crm', type: 'opportunity.won', occurred_at: ago(60), entity_type: 'opportunity', entity_id: `OPP-${T}`, amount: amounts.reduce((a, b) => a + b, 0), currency: 'EUR', attributes: attrs },
    { event_id: `${tag}-prj`, source: 'psa', type: 'project.provisioned', occurred_at: ago(56), entity_type: 'project', entity_id: `PRJ-${T}`, refs: [`crm:opportunity:OPP-${T}`] },
    ...amounts.map((amount, i) => ({ event_id: `${tag}-ms${i + 1}`, source: 'psa', type: 'milestone.completed', occurred_at: ago(30), entity_type: 'milestone', entity_id: `MS-${T}${i + 1}`, refs: [`psa:project:PRJ-${T}`], amount, currency: 'EUR' })),
  ];
}
