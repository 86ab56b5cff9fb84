// The journey model (DOMAIN.md §4): which stage each event type belongs to, the
// expected path per billing model, and what a deal is waiting for next.

import type { BillingModel, CatalogueType, EventType } from './catalogue';

export const STAGES = ['booked', 'set_up', 'delivering', 'billed', 'collected', 'changed', 'integration'] as const;
export type Stage = (typeof STAGES)[number];

/** The linear progress stages a deal moves through (changed/integration run alongside). */
export const PROGRESS_STAGES = ['booked', 'set_up', 'delivering', 'billed', 'collected'] as const;
export type ProgressStage = (typeof PROGRESS_STAGES)[number];

export const STAGE_OF: Record<EventType, Stage> = {
  'opportunity.won': 'booked',
  'quote.approved': 'booked',
  'contract.signed': 'booked',
  'order.created': 'set_up',
  'project.provisioned': 'set_up',
  'billing_schedule.created': 'set_up',
  'resource.assigned': 'set_up',
  'time.approved': 'delivering',
  'expense.approved': 'delivering',
  'milestone.completed': 'delivering',
  'invoice.issued': 'billed',
  'invoice.disputed': 'billed',
  'credit_memo.issued': 'billed',
  'payment.received': 'collected',
  'payment.failed': 'collected',
  'cash.applied': 'collected',
  'change_order.approved': 'changed',
  'contract.amended': 'changed',
  'billing_schedule.updated': 'changed',
  'sync.requested': 'integration',
  'sync.succeeded': 'integration',
  'sync.failed': 'integration',
  unmapped: 'integration',
};

/** Expected path by billing model; the delivery step repeats. */
export const EXPECTED_PATH: Record<BillingModel, CatalogueType[]> = {
  fixed_fee: [
    'opportunity.won', 'quote.approved', 'contract.signed', 'order.created', 'project.provisioned',
    'billing_schedule.created', 'resource.assigned', 'milestone.completed', 'invoice.issued',
    'payment.received', 'cash.applied',
  ],
  milestone: [
    'opportunity.won', 'quote.approved', 'contract.signed', 'order.created', 'project.provisioned',
    'billing_schedule.created', 'resource.assigned', 'milestone.completed', 'invoice.issued',
    'payment.received', 'cash.applied',
  ],
  time_and_materials: [
    'opportunity.won', 'quote.approved', 'contract.signed', 'order.created', 'project.provisioned',
    'billing_schedule.created', 'resource.assigned', 'time.approved', 'invoice.issued',
    'payment.received', 'cash.applied',
  ],
  retainer: [
    'opportunity.won', 'quote.approved', 'contract.signed', 'order.created', 'project.provisioned',
    'billing_schedule.created', 'invoice.issued', 'payment.received', 'cash.applied',
  ],
};

export function expectedPath(model: string): CatalogueType[] {
  return EXPECTED_PATH[(model as BillingModel)] ?? EXPECTED_PATH.fixed_fee;
}

/** The furthest progress stage reached by a set of event types. */
export function progressStage(types: Iterable<string>): ProgressStage {
  let best = 0;
  for (const t of types) {
    const s = STAGE_OF[t as EventType];
    const i = (PROGRESS_STAGES as readonly string[]).indexOf(s);
    if (i > best) best = i;
  }
  return PROGRESS_STAGES[best];
}
