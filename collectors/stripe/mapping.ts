// Stripe Event objects ▶ canonical events. Payments carry the ERP invoice they settle in
// the object's metadata (`erp_invoice_id`, optionally `erp_sales_order_id`); without it,
// a Stripe-billed invoice is referred to by its own id under the `billing` source.

import type { CanonicalEventInput } from '@/lib/events/schema';
import { UNMAPPED_TYPE } from '@/lib/events/catalogue';
import { entityKey } from '@/lib/events/entity-key';
import { fromMinorUnits, isoTime, isRecord, str } from '../shared/ids';

type Obj = Record<string, unknown>;

export const STRIPE_MAPPED_TYPES = [
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.finalized',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
] as const;

function meta(o: Obj): Obj {
  return isRecord(o.metadata) ? o.metadata : {};
}

function idOf(v: unknown): string {
  return typeof v === 'string' ? v : isRecord(v) ? str(v.id) : '';
}

/** Refs a payment carries: the ERP invoice (metadata) or the Stripe invoice it pays. */
function invoiceRefs(o: Obj, stripeInvoiceId: string): string[] {
  const m = meta(o);
  const refs: string[] = [];
  if (str(m.erp_invoice_id)) refs.push(entityKey('erp', 'invoice', str(m.erp_invoice_id)));
  else if (stripeInvoiceId) refs.push(entityKey('billing', 'invoice', stripeInvoiceId));
  if (str(m.erp_sales_order_id)) refs.push(entityKey('erp', 'sales_order', str(m.erp_sales_order_id)));
  return refs;
}

export function mapStripeEvent(event: Obj): CanonicalEventInput {
  const type = str(event.type);
  const obj: Obj = isRecord(event.data) && isRecord(event.data.object) ? event.data.object : {};
  const currency = str(obj.currency).toUpperCase();
  const created = isoTime(event.created) ?? '';
  const base = {
    event_id: str(event.id),
    source_instance: event.livemode === true ? 'stripe:live' : 'stripe:test',
    occurred_at: created,
    currency,
    attributes: { native_type: type },
    payload: event,
  };
  const transitions = isRecord(obj.status_transitions) ? obj.status_transitions : {};
  switch (type) {
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const paymentId = idOf(obj.payment_intent) || str(obj.id);
      const failed = type === 'invoice.payment_failed';
      return {
        ...base,
        source: 'payments',
        type: failed ? 'payment.failed' : 'payment.received',
        occurred_at: (!failed && isoTime(transitions.paid_at)) || created,
        entity_type: 'payment',
        entity_id: paymentId,
        refs: invoiceRefs(obj, str(obj.id)),
        amount: fromMinorUnits(failed ? obj.amount_due : obj.amount_paid, currency),
        status: failed ? 'payment_failed' : str(obj.status),
      };
    }
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed': {
      // A payment for an invoice also raises invoice.paid / invoice.payment_failed, which
      // carry it: count it once, there.
      if (idOf(obj.invoice)) break;
      const failed = type === 'payment_intent.payment_failed';
      const err = isRecord(obj.last_payment_error) ? obj.last_payment_error : {};
      return {
        ...base,
        source: 'payments',
        type: failed ? 'payment.failed' : 'payment.received',
        entity_type: 'payment',
        entity_id: str(obj.id),
        refs: invoiceRefs(obj, ''),
        amount: fromMinorUnits(failed ? obj.amount : (obj.amount_received ?? obj.amount), currency),
        status: failed ? str(err.decline_code) || str(err.code) || 'payment_failed' : str(obj.status),
      };
    }
    case 'invoice.finalized': {
      const m = meta(obj);
      const refs: string[] = [];
      if (str(m.erp_invoice_id)) refs.push(entityKey('erp', 'invoice', str(m.erp_invoice_id)));
      if (str(m.erp_sales_order_id)) refs.push(entityKey('erp', 'sales_order', str(m.erp_sales_order_id)));
      if (str(m.psa_milestone_id)) refs.push(entityKey('psa', 'milestone', str(m.psa_milestone_id)));
      return {
        ...base,
        source: 'billing',
        type: 'invoice.issued',
        occurred_at: isoTime(transitions.finalized_at) || created,
        entity_type: 'invoice',
        entity_id: str(obj.id),
        refs,
        amount: fromMinorUnits(obj.amount_due ?? obj.total, currency),
        status: str(obj.status),
        due_at: isoTime(obj.due_date),
      };
    }
  }
  // Kept, visible and countable: the native type is in attributes.native_type.
  const objectType = str(obj.object).replace(/[^a-z0-9_]/g, '_') || 'object';
  const paymentIntent = idOf(obj.payment_intent);
  return {
    ...base,
    source: 'payments',
    type: UNMAPPED_TYPE,
    entity_type: paymentIntent ? 'payment' : /^[a-z]/.test(objectType) ? objectType : 'object',
    entity_id: paymentIntent || str(obj.id) || str(event.id),
    refs: invoiceRefs(obj, idOf(obj.invoice)),
    amount: fromMinorUnits(obj.amount_refunded ?? obj.amount, currency),
    status: str(obj.status),
  };
}
