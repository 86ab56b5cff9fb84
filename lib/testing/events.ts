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
