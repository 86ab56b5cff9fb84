// The event catalogue (DOMAIN.md §3) and the sources that emit events (§1).
// Every other module takes its list of types and sources from here.

export const SOURCES = [
  'crm',
  'cpq',
  'clm',
  'psa',
  'hcm',
  'erp',
  'billing',
  'payments',
  'middleware',
] as const;
export type Source = (typeof SOURCES)[number];

export const EVENT_TYPES = [
  'opportunity.won',
  'quote.approved',
  'contract.signed',
  'order.created',
  'project.provisioned',
  'billing_schedule.created',
  'resource.assigned',
  'time.approved',
  'expense.approved',
  'milestone.completed',
  'invoice.issued',
  'invoice.disputed',
  'credit_memo.issued',
  'payment.received',
  'payment.failed',
  'cash.applied',
  'change_order.approved',
  'contract.amended',
  'billing_schedule.updated',
  'sync.requested',
  'sync.succeeded',
  'sync.failed',
] as const;
export type CatalogueType = (typeof EVENT_TYPES)[number];

/** Collectors keep events whose native type they cannot map under this type: visible, countable, never dropped. */
export const UNMAPPED_TYPE = 'unmapped' as const;
export const ALL_EVENT_TYPES = [...EVENT_TYPES, UNMAPPED_TYPE] as const;
export type EventType = (typeof ALL_EVENT_TYPES)[number];

/**
 * Types one record may carry more than once: a second dispute of an invoice, another failed
 * attempt of a payment, another amendment or schedule update, another run of a sync, another
 * unmapped native event (a source may key these on the record, not on the occurrence).
 * Another event of such a type on the same record is the same event only at the same
 * business time (`occurred_at`); of any other type, a record has one event.
 */
export const RECURRING_TYPES: readonly EventType[] = [
  'invoice.disputed',
  'payment.failed',
  'contract.amended',
  'billing_schedule.updated',
  'sync.requested',
  'sync.succeeded',
  'sync.failed',
  UNMAPPED_TYPE,
];
const RECURRING_SET = new Set<string>(RECURRING_TYPES);

/** Whether one record may carry more than one event of this type (RECURRING_TYPES). */
export function isRecurring(type: string): boolean {
  return RECURRING_SET.has(type);
}

export function isCatalogueType(t: string): t is CatalogueType {
  return (EVENT_TYPES as readonly string[]).includes(t);
}

/**
 * The system that owns each type's record (DOMAIN.md §1): where a missing event of the type
 * would come from once the record is there. An invoice may also come from a billing engine
 * outside the ERP; the ERP is the usual one.
 */
export const HOME_SYSTEM: Record<CatalogueType, Source> = {
  'opportunity.won': 'crm',
  'quote.approved': 'cpq',
  'contract.signed': 'clm',
  'order.created': 'erp',
  'project.provisioned': 'psa',
  'billing_schedule.created': 'erp',
  'resource.assigned': 'psa',
  'time.approved': 'psa',
  'expense.approved': 'psa',
  'milestone.completed': 'psa',
  'invoice.issued': 'erp',
  'invoice.disputed': 'erp',
  'credit_memo.issued': 'erp',
  'payment.received': 'payments',
  'payment.failed': 'payments',
  'cash.applied': 'erp',
  'change_order.approved': 'cpq',
  'contract.amended': 'clm',
  'billing_schedule.updated': 'erp',
  'sync.requested': 'middleware',
  'sync.succeeded': 'middleware',
  'sync.failed': 'middleware',
};

/** Attribute keys promoted to their own ClickHouse columns (filters and breakdowns). */
export const DIMENSIONS = ['customer', 'region', 'practice', 'legal_entity', 'billing_model'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const BILLING_MODELS = ['fixed_fee', 'time_and_materials', 'milestone', 'retainer'] as const;
export type BillingModel = (typeof BILLING_MODELS)[number];
