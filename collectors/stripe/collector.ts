// Stripe webhooks: `Stripe-Signature: t=…,v1=…[,v1=…]`, HMAC-SHA256 of `t.body` with the
// endpoint secret (any active secret, any v1 may match), 300 s tolerance. One Event object
// per delivery; dedup on event.id. Stripe wants a quick 2xx, so the answer is 200 JSON.

import { NextResponse } from 'next/server';
import { errors } from '@/lib/http/errors';
import type { Collector, DeliveryContext } from '../shared/collector';
import { parseJson } from '../shared/collector';
import { isRecord } from '../shared/ids';
import { secretsFor, verifyTimestampedHmac } from '../shared/signature';
import { mapStripeEvent } from './mapping';

export const STRIPE_TOLERANCE_S = 300;

export function verifyStripe(ctx: DeliveryContext): void {
  verifyTimestampedHmac(ctx.req.headers.get('stripe-signature'), 'Stripe-Signature', ctx.body, secretsFor('stripe'), STRIPE_TOLERANCE_S, ctx.now);
}

export const stripeCollector: Collector = {
  name: 'stripe',
  verify: verifyStripe,
  contentTypes: ['application/json'],
  parse(ctx) {
    const event = parseJson(ctx.body, 'Stripe event');
    if (!isRecord(event) || event.object !== 'event' || typeof event.id !== 'string' || typeof event.type !== 'string') {
      throw errors.badRequest('not a Stripe Event object (object: "event", id and type required)');
    }
    return { events: [mapStripeEvent(event)] };
  },
  respond(result) {
    return NextResponse.json({ received: true, ...result }, { status: 200 });
  },
};
