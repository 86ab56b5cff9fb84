// Xero webhooks: `{events, firstEventSequence, lastEventSequence, entropy}` signed with
// x-xero-signature = base64 HMAC-SHA256 of the body under the webhook key. Intent to
// receive: an empty events list; Xero wants 200 with an empty body when the signature is
// valid and 401 otherwise, and the same for every delivery. Xero events carry ids only
// (no amounts); the event id is a hash of tenant, category, resource, type and time.

import type { CanonicalEventInput } from '@/lib/events/schema';
import { UNMAPPED_TYPE, type CatalogueType } from '@/lib/events/catalogue';
import { errors } from '@/lib/http/errors';
import type { Collector, DeliveryContext, InvalidItem } from '../shared/collector';
import { parseJson } from '../shared/collector';
import { isRecord, isoTime, stableId, str } from '../shared/ids';
import { anySignatureMatches, secretsFor } from '../shared/signature';

export function verifyXero(ctx: DeliveryContext): void {
  const sig = ctx.req.headers.get('x-xero-signature');
  if (!sig) throw errors.unauthorized('missing x-xero-signature');
  if (!anySignatureMatches(secretsFor('xero'), ctx.body, [sig], 'base64')) throw errors.unauthorized('x-xero-signature does not match the webhook key');
}

const MAP: Record<string, { type: CatalogueType; entity_type: string }> = {
  'INVOICE:CREATE': { type: 'invoice.issued', entity_type: 'invoice' },
  'CREDITNOTE:CREATE': { type: 'credit_memo.issued', entity_type: 'credit_memo' },
};
const ENTITY_OF: Record<string, string> = { INVOICE: 'invoice', CREDITNOTE: 'credit_memo', CONTACT: 'customer', SUBSCRIPTION: 'subscription' };

export function xeroEventId(e: { tenantId: string; eventCategory: string; resourceId: string; eventType: string; eventDateUtc: string }): string {
  return stableId('xero', e.tenantId, e.eventCategory, e.resourceId, e.eventType, e.eventDateUtc);
}

/** Xero's eventDateUtc has no zone designator: it is UTC. */
function utc(v: string): string | null {
  return isoTime(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
}

export function mapXeroEvents(list: unknown[]): { events: CanonicalEventInput[]; invalid: InvalidItem[] } {
  const events: CanonicalEventInput[] = [];
  const invalid: InvalidItem[] = [];
  for (const e of list) {
    if (!isRecord(e) || !str(e.resourceId) || !str(e.eventCategory) || !str(e.eventType) || !str(e.eventDateUtc)) {
      invalid.push({ errors: ['a Xero event needs resourceId, eventCategory, eventType and eventDateUtc'], raw: JSON.stringify(e) ?? '' });
      continue;
    }
    const f = { tenantId: str(e.tenantId), eventCategory: str(e.eventCategory), resourceId: str(e.resourceId), eventType: str(e.eventType), eventDateUtc: str(e.eventDateUtc) };
    const m = MAP[`${f.eventCategory}:${f.eventType}`];
    events.push({
      event_id: xeroEventId(f),
      source: 'erp',
      source_instance: `xero:${f.tenantId}`,
      type: m?.type ?? UNMAPPED_TYPE,
      occurred_at: utc(f.eventDateUtc) ?? '',
      entity_type: m?.entity_type ?? ENTITY_OF[f.eventCategory] ?? 'object',
      entity_id: f.resourceId,
      status: f.eventType.toLowerCase(),
      attributes: { native_type: `${f.eventCategory}.${f.eventType}` },
      payload: e,
    });
  }
  return { events, invalid };
}

const empty = (status: number) => new Response(null, { status });

export const xeroCollector: Collector = {
  name: 'xero',
  verify: verifyXero,
  contentTypes: ['application/json'],
  parse(ctx) {
    const body = parseJson(ctx.body, 'Xero webhook');
    if (!isRecord(body) || !Array.isArray(body.events)) throw errors.badRequest('a Xero webhook body is an object with an events array');
    if (body.events.length === 0) return { events: [], handshake: true };
    return mapXeroEvents(body.events);
  },
  respond: () => empty(200),
  // Xero reads only the status: 401 for a bad signature (intent to receive), else as is.
  respondError: (err) => empty(err.status),
};
