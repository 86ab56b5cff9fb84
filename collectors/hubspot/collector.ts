// HubSpot webhooks: a JSON array of up to 100 events per request, signed with
// X-HubSpot-Signature-v3 = base64(HMAC-SHA256(client secret, method + URI + body +
// X-HubSpot-Request-Timestamp)), rejected when the timestamp is over 5 minutes old.
// A deal moving to the won stage becomes opportunity.won; `amount` and
// `deal_currency_code` changes of the same deal in the same batch are folded into it.

import { NextResponse } from 'next/server';
import type { CanonicalEventInput } from '@/lib/events/schema';
import { UNMAPPED_TYPE } from '@/lib/events/catalogue';
import { errors } from '@/lib/http/errors';
import type { Collector, DeliveryContext, InvalidItem } from '../shared/collector';
import { parseJson } from '../shared/collector';
import { isRecord, isoTime, num, str } from '../shared/ids';
import { anySignatureMatches, assertFresh, secretsFor } from '../shared/signature';

export const HUBSPOT_WINDOW_MS = 5 * 60 * 1000;
export const WON_STAGES = new Set(['closedwon']);
const DEAL_TYPE_ID = '0-3';

/** The URL HubSpot signed: the public one when a proxy forwards the request. */
export function publicUrl(req: Request): string {
  const u = new URL(req.url);
  const host = req.headers.get('x-forwarded-host')?.split(',')[0].trim() || u.host;
  const proto = req.headers.get('x-forwarded-proto')?.split(',')[0].trim() || u.protocol.replace(':', '');
  // HubSpot decodes exactly these escapes before signing (its "validating requests" guide).
  return `${proto}://${host}${u.pathname}${u.search}`.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => decodeURIComponent(m));
}

export function verifyHubspot(ctx: DeliveryContext): void {
  const sig = ctx.req.headers.get('x-hubspot-signature-v3');
  const ts = ctx.req.headers.get('x-hubspot-request-timestamp');
  if (!sig || !ts) throw errors.unauthorized('missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp');
  assertFresh(Number(ts), HUBSPOT_WINDOW_MS, ctx.now.getTime());
  const source = Buffer.concat([Buffer.from(`${ctx.req.method}${publicUrl(ctx.req)}`), ctx.body, Buffer.from(ts)]);
  if (!anySignatureMatches(secretsFor('hubspot'), source, [sig], 'base64')) throw errors.unauthorized('X-HubSpot-Signature-v3 does not match any active secret');
}

type Obj = Record<string, unknown>;

function isDealChange(e: Obj): boolean {
  return e.subscriptionType === 'deal.propertyChange' || (e.subscriptionType === 'object.propertyChange' && str(e.objectTypeId) === DEAL_TYPE_ID);
}

export function mapHubspotBatch(items: unknown[]): { events: CanonicalEventInput[]; invalid: InvalidItem[] } {
  const events: CanonicalEventInput[] = [];
  const invalid: InvalidItem[] = [];
  const dealValue = new Map<string, { amount?: number; currency?: string }>();
  const won = new Set<string>();
  for (const e of items) {
    if (!isRecord(e) || !isDealChange(e)) continue;
    const id = str(e.objectId);
    const v = dealValue.get(id) ?? {};
    if (e.propertyName === 'amount') v.amount = num(e.propertyValue) ?? undefined;
    if (e.propertyName === 'deal_currency_code') v.currency = str(e.propertyValue).toUpperCase();
    if (e.propertyName === 'dealstage' && WON_STAGES.has(str(e.propertyValue))) won.add(id);
    dealValue.set(id, v);
  }
  for (const e of items) {
    if (!isRecord(e) || e.eventId === undefined || e.objectId === undefined || !e.subscriptionType) {
      invalid.push({ errors: ['a HubSpot webhook event needs eventId, objectId and subscriptionType'], raw: JSON.stringify(e) ?? '' });
      continue;
    }
    const objectId = str(e.objectId);
    const subscriptionType = str(e.subscriptionType);
    const base = {
      event_id: str(e.eventId),
      source: 'crm' as const,
      source_instance: `hubspot:${str(e.portalId)}`,
      occurred_at: isoTime(e.occurredAt) ?? '',
      attributes: { native_type: subscriptionType, ...(e.propertyName ? { native_property: str(e.propertyName) } : {}) },
      payload: e,
    };
    if (isDealChange(e)) {
      if (e.propertyName === 'dealstage' && won.has(objectId) && WON_STAGES.has(str(e.propertyValue))) {
        const v = dealValue.get(objectId) ?? {};
        events.push({ ...base, type: 'opportunity.won', entity_type: 'opportunity', entity_id: objectId, amount: v.amount ?? null, currency: v.currency ?? '', status: str(e.propertyValue) });
        continue;
      }
      // Folded into the won event above.
      if (won.has(objectId) && (e.propertyName === 'amount' || e.propertyName === 'deal_currency_code')) continue;
    }
    const objectType = subscriptionType.split('.')[0].replace(/[^a-z0-9_]/g, '_');
    events.push({
      ...base,
      type: UNMAPPED_TYPE,
      entity_type: objectType === 'deal' ? 'opportunity' : /^[a-z]/.test(objectType) ? objectType : 'object',
      entity_id: objectId,
      status: str(e.propertyValue).slice(0, 64),
    });
  }
  return { events, invalid };
}

export const hubspotCollector: Collector = {
  name: 'hubspot',
  verify: verifyHubspot,
  contentTypes: ['application/json'],
  parse(ctx) {
    const body = parseJson(ctx.body, 'HubSpot webhook');
    if (!Array.isArray(body)) throw errors.badRequest('a HubSpot webhook body is a JSON array of events');
    return mapHubspotBatch(body);
  },
  respond(result) {
    return NextResponse.json(result, { status: 200 });
  },
};
