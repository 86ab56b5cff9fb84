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

/**
 * Expected path by billing model, in the order the journey page lists it; the delivery step
 * repeats. The order a deal must keep is `PATH_PREREQUISITES`: steps in different systems
 * that do not wait for each other (the ERP's sales order and the PSA's project, staffing
 * and the billing schedule) may come in either order.
 */
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

type Prerequisites = Partial<Record<CatalogueType, readonly CatalogueType[]>>;

/** What every billing model's steps wait for (DOMAIN.md §4: booked one step after another; set up in four systems side by side; cash after its invoice). */
const EVERY_MODEL: Prerequisites = {
  'quote.approved': ['opportunity.won'],
  'contract.signed': ['quote.approved'],
  // The ERP's sales order and the PSA's project both follow the signature, side by side.
  'order.created': ['contract.signed'],
  'project.provisioned': ['contract.signed'],
  // The ERP's schedule bills the sales order for the project; staffing needs the project only.
  'billing_schedule.created': ['order.created', 'project.provisioned'],
  'resource.assigned': ['project.provisioned'],
  'payment.received': ['invoice.issued'],
  'cash.applied': ['payment.received'],
};

/** Fixed fee and milestone deals bill by milestone. */
const BY_MILESTONE: Prerequisites = { ...EVERY_MODEL, 'milestone.completed': ['resource.assigned'], 'invoice.issued': ['billing_schedule.created', 'milestone.completed'] };

/**
 * The steps each step of the expected path waits for, by billing model: a step that came
 * before one of these (directly or through another) is reordered; one of these that never
 * came while a step after it did is missing. Delivery needs staffing; an invoice needs the
 * billing schedule and, but for a retainer's monthly fee, the delivery it bills.
 */
export const PATH_PREREQUISITES: Record<BillingModel, Prerequisites> = {
  fixed_fee: BY_MILESTONE,
  milestone: BY_MILESTONE,
  time_and_materials: { ...EVERY_MODEL, 'time.approved': ['resource.assigned'], 'invoice.issued': ['billing_schedule.created', 'time.approved'] },
  retainer: { ...EVERY_MODEL, 'invoice.issued': ['billing_schedule.created'] },
};

/** The steps `step` waits for directly on `model`'s path. */
export function prerequisitesOf(model: string, step: string): readonly CatalogueType[] {
  return (PATH_PREREQUISITES[model as BillingModel] ?? PATH_PREREQUISITES.fixed_fee)[step as CatalogueType] ?? [];
}

/** Every step `step` waits for on `model`'s path, directly or through another, in path order. */
export function ancestorsOf(model: string, step: string): CatalogueType[] {
  const found = new Set<string>();
  const visit = (t: string) => {
    for (const p of prerequisitesOf(model, t)) {
      if (found.has(p)) continue;
      found.add(p);
      visit(p);
    }
  };
  visit(step);
  return expectedPath(model).filter((t) => found.has(t));
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
