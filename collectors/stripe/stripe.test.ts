// Stripe collector: signatures made by the stripe library, fixtures from Stripe's docs,
// round trip through the sender.
import fs from 'node:fs';
import path from 'node:path';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { ApiError } from '@/lib/http/errors';
import { ev } from '@/lib/testing/events';
import { deliver, deliverAll, expectRoundTrip } from '../shared/test-support';
import { stripeCollector } from './collector';
import { nativeRequests, STRIPE_PATH } from './sender';

const SECRET = 'whsec_test_cashtrace_0123456789';
process.env.CASHTRACE_STRIPE_SECRET = `whsec_old_rotated_secret,${SECRET}`;
resetEnvForTests();
const stripe = new Stripe('sk_test_dummy');
const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

function signed(body: string, timestamp?: number) {
  const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET, timestamp });
  return { path: STRIPE_PATH, method: 'POST' as const, headers: { 'content-type': 'application/json', 'stripe-signature': header }, body };
}

describe('stripe collector', () => {
  it('maps invoice.paid to payment.received with the ERP invoice from metadata', async () => {
    const d = await deliver(stripeCollector, signed(fixture('invoice.paid.json')));
    expect(d.events).toHaveLength(1);
    expect(d.events[0]).toMatchObject({
      event_id: 'evt_1QfYx2LkdIwHu7ixQ0b1nZ8c',
      source: 'payments',
      type: 'payment.received',
      entity_type: 'payment',
      entity_id: 'pi_3QfYx0LkdIwHu7ix1Ab2Cd3E',
      refs: ['erp:invoice:INV-20417', 'erp:sales_order:SO-7781'],
      amount: 12500,
      currency: 'USD',
      occurred_at: new Date(1772441990 * 1000).toISOString(),
    });
  });

  it('maps payment_intent.payment_failed with the decline code as status', async () => {
    const d = await deliver(stripeCollector, signed(fixture('payment_intent.payment_failed.json')));
    expect(d.events[0]).toMatchObject({ type: 'payment.failed', entity_id: 'pi_3QfZ00LkdIwHu7ix0Fg1Hi2J', amount: 4800, currency: 'EUR', status: 'insufficient_funds', refs: ['erp:invoice:INV-20455'] });
  });

  it('keeps types it does not map as unmapped, linked to the payment', async () => {
    const d = await deliver(stripeCollector, signed(fixture('charge.refunded.json')));
    expect(d.events[0]).toMatchObject({ type: 'unmapped', entity_type: 'payment', entity_id: 'pi_3QfYx0LkdIwHu7ix1Ab2Cd3E', amount: 2500, attributes: { native_type: 'charge.refunded' } });
  });

  it('rejects a wrong, missing or expired signature with 401', async () => {
    const body = fixture('invoice.paid.json');
    const bad = { ...signed(body), headers: { 'content-type': 'application/json', 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_wrong' }) } };
    await expect(deliver(stripeCollector, bad)).rejects.toMatchObject({ status: 401 });
    await expect(deliver(stripeCollector, { ...bad, headers: { 'content-type': 'application/json' } })).rejects.toMatchObject({ status: 401 });
    const old = signed(body, Math.floor(Date.now() / 1000) - 301);
    await expect(deliver(stripeCollector, old)).rejects.toThrow(/tolerance/);
    const tampered = { ...signed(body), body: body.replace('1250000', '1') };
    await expect(deliver(stripeCollector, tampered)).rejects.toBeInstanceOf(ApiError);
  });

  it('round-trips canonical events through the sender, verified by the stripe library', async () => {
    const sent = [
      ev({ source: 'payments', type: 'payment.received', entity_type: 'payment', entity_id: 'pi_3Rt1', refs: ['erp:invoice:INV-1'], amount: 1234.56, currency: 'EUR' }),
      ev({ source: 'payments', type: 'payment.failed', entity_type: 'payment', entity_id: 'pi_3Rt2', refs: ['erp:invoice:INV-2'], amount: 99, currency: 'USD', status: 'expired_card' }),
      ev({ source: 'billing', type: 'invoice.issued', entity_type: 'invoice', entity_id: 'in_77', refs: ['erp:sales_order:SO-1', 'psa:milestone:MS-1'], amount: 5000, currency: 'JPY', due_at: '2026-04-01T00:00:00Z' }),
      ev({ source: 'crm', type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-1' }),
    ];
    const reqs = nativeRequests(sent, { secret: SECRET });
    expect(reqs).toHaveLength(3);
    for (const r of reqs) {
      const parsed = stripe.webhooks.constructEvent(String(r.body), r.headers['stripe-signature'], SECRET);
      expect(parsed.object).toBe('event');
    }
    expectRoundTrip(sent.slice(0, 3), await deliverAll(stripeCollector, reqs));
  });
});
