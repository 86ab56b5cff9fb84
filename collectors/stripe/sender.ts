// Renders canonical payments/billing events as Stripe would send them: one signed Event
// per request (invoice.paid, payment_intent.payment_failed, invoice.finalized).
// Other canonical types have no Stripe equivalent and are skipped.

import crypto from 'node:crypto';
import type { CanonicalEvent } from '@/lib/events/schema';
import { toMinorUnits } from '../shared/ids';
import { refId, type NativeRequest, type SenderOptions } from '../shared/native';
import { timestampedHmacHeader } from '../shared/signature';

export const STRIPE_PATH = '/api/ingest/stripe';
const API_VERSION = '2025-09-30.clover';

function stripeId(prefix: string, seed: string): string {
  return `${prefix}_${crypto.createHash('sha256').update(seed).digest('base64url').replace(/[-_]/g, '').slice(0, 24)}`;
}

const epoch = (iso: string | null) => (iso ? Math.floor(new Date(iso).getTime() / 1000) : null);

function metadata(e: CanonicalEvent): Record<string, string> {
  const m: Record<string, string> = {};
  const inv = refId(e, 'erp', 'invoice');
  const so = refId(e, 'erp', 'sales_order');
  const ms = refId(e, 'psa', 'milestone');
  if (inv) m.erp_invoice_id = inv;
  if (so) m.erp_sales_order_id = so;
  if (ms) m.psa_milestone_id = ms;
  return m;
}

export function stripeEventObject(e: CanonicalEvent): Record<string, unknown> | null {
  const currency = (e.currency || 'USD').toLowerCase();
  const minor = e.amount === null ? 0 : toMinorUnits(e.amount, currency);
  const created = epoch(e.occurred_at)!;
  let type: string;
  let object: Record<string, unknown>;
  if (e.type === 'payment.received') {
    type = 'invoice.paid';
    const billingInvoice = refId(e, 'billing', 'invoice');
    object = {
      id: billingInvoice ?? stripeId('in', e.entity_id),
      object: 'invoice',
      amount_due: minor,
      amount_paid: minor,
      amount_remaining: 0,
      currency,
      customer: stripeId('cus', e.attributes.customer ?? 'customer'),
      metadata: metadata(e),
      number: null,
      payment_intent: e.entity_id,
      status: 'paid',
      status_transitions: { finalized_at: created, paid_at: created },
    };
  } else if (e.type === 'payment.failed') {
    type = 'payment_intent.payment_failed';
    object = {
      id: e.entity_id,
      object: 'payment_intent',
      amount: minor,
      amount_received: 0,
      currency,
      invoice: null,
      last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: e.status || 'generic_decline', message: 'Your card was declined.' },
      metadata: metadata(e),
      status: 'requires_payment_method',
    };
  } else if (e.type === 'invoice.issued' && e.source === 'billing') {
    type = 'invoice.finalized';
    object = {
      id: e.entity_id,
      object: 'invoice',
      amount_due: minor,
      amount_paid: 0,
      currency,
      due_date: epoch(e.due_at),
      metadata: metadata(e),
      status: 'open',
      status_transitions: { finalized_at: created },
    };
  } else return null;
  return {
    id: e.event_id,
    object: 'event',
    api_version: API_VERSION,
    created,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/** `Stripe-Signature` for a body, as Stripe computes it. */
export const stripeSignatureHeader = timestampedHmacHeader;

export function nativeRequests(events: CanonicalEvent[], opts: SenderOptions): NativeRequest[] {
  const now = opts.now ?? new Date();
  const out: NativeRequest[] = [];
  for (const e of events) {
    const obj = stripeEventObject(e);
    if (!obj) continue;
    const body = JSON.stringify(obj);
    out.push({
      path: STRIPE_PATH,
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': stripeSignatureHeader(body, opts.secret ?? '', now), 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
      body,
    });
  }
  return out;
}
