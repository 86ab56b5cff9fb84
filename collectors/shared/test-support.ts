// Test support for collector tests: run a collector's verify ▶ parse on a native request
// without a runtime, and compare canonical events on the fields a round trip must keep.

import { expect } from 'vitest';
import { canonicalEventSchema, type CanonicalEvent, type CanonicalEventInput } from '@/lib/events/schema';
import type { Collector, Delivery, DeliveryContext } from './collector';
import { mediaType } from './collector';
import { toRequest, type NativeRequest } from './native';
import { errors } from '@/lib/http/errors';

export async function deliver(collector: Collector, n: NativeRequest, baseUrl = 'http://localhost'): Promise<Delivery> {
  const req = toRequest(n, baseUrl);
  const body = Buffer.from(await req.arrayBuffer());
  const ctx: DeliveryContext = { req, url: new URL(req.url), body, contentType: req.headers.get('content-type') ?? '', now: new Date() };
  // The ingest token needs a runtime; route tests cover it. Vendor signatures are checked here.
  if (collector.verify !== 'token') collector.verify(ctx);
  if (!collector.contentTypes.includes(mediaType(ctx.contentType))) throw errors.unsupportedMediaType(ctx.contentType);
  return collector.parse(collector.unpack ? await collector.unpack(ctx) : ctx);
}

export async function deliverAll(collector: Collector, requests: NativeRequest[], baseUrl?: string): Promise<CanonicalEvent[]> {
  const out: CanonicalEvent[] = [];
  for (const n of requests) {
    const d = await deliver(collector, n, baseUrl);
    for (const e of d.events) out.push(canonicalEventSchema.parse(e));
  }
  return out;
}

export function roundTripView(e: CanonicalEvent | CanonicalEventInput, withAmount = true) {
  const c = canonicalEventSchema.parse(e);
  return {
    event_id: c.event_id,
    type: c.type,
    entity_key: `${c.source}:${c.entity_type}:${c.entity_id}`,
    refs: [...c.refs].sort(),
    ...(withAmount ? { amount: c.amount } : {}),
  };
}

/**
 * Asserts that the events came back with the same id, type, entity key, refs and amount.
 * `idOf` gives the id the collector derives when the vendor format has no event id.
 */
export function expectRoundTrip(
  sent: CanonicalEvent[],
  received: CanonicalEvent[],
  opts: { withAmount?: boolean; idOf?: (e: CanonicalEvent) => string } = {},
): void {
  const withAmount = opts.withAmount ?? true;
  const idOf = opts.idOf ?? ((e: CanonicalEvent) => e.event_id);
  expect(received.length).toBe(sent.length);
  const byId = new Map(received.map((r) => [r.event_id, r]));
  for (const s of sent) {
    const r = byId.get(idOf(s));
    expect(r, `event ${idOf(s)} came back`).toBeDefined();
    expect(roundTripView(r!, withAmount)).toEqual({ ...roundTripView(s, withAmount), event_id: idOf(s) });
  }
}
