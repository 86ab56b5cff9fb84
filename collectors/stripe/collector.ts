// Stripe webhooks: `Stripe-Signature: t=…,v1=…[,v1=…]`, HMAC-SHA256 of `t.body` with the
// endpoint secret (any active secret, any v1 may match), 300 s tolerance. One Event object
// per delivery; dedup on event.id. Stripe wants a quick 2xx, so the answer is 200 JSON.

import { NextResponse } from 'next/server';
import { errors } from '@/lib/http/errors';
import type { Collector, DeliveryContext } from '../shared/collector';
import { parseJson } from '../shared/collector';
import { isRecord } from '../shared/ids';
import { anySignatureMatches, assertFresh, secretsFor } from '../shared/signature';
import { mapStripeEvent } from './mapping';

export const STRIPE_TOLERANCE_S = 300;

export function verifyStripe(ctx: DeliveryContext): void {
  const header = ctx.req.headers.get('stripe-signature');
  if (!header) throw errors.unauthorized('missing Stripe-Signature header');
  let t = NaN;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.split('=', 2).map((s) => s?.trim() ?? '');
    if (k === 't') t = Number(v);
    else if (k === 'v1' && v) v1.push(v);
  }
  if (v1.length === 0) throw errors.unauthorized('Stripe-Signature has no v1 signature');
  assertFresh(t * 1000, STRIPE_TOLERANCE_S * 1000, ctx.now.getTime());
  const signed = Buffer.concat([Buffer.from(`${t}.`), ctx.body]);
  if (!anySignatureMatches(secretsFor('stripe'), signed, v1, 'hex')) throw errors.unauthorized('Stripe-Signature does not match any active secret');
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
