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
