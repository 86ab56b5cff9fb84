// Renders canonical opportunity.won events as HubSpot webhook batches: a dealstage
// change to `closedwon` plus the deal's amount and currency changes, signed with v3.

import type { CanonicalEvent } from '@/lib/events/schema';
import { chunk, type NativeRequest, type SenderOptions } from '../shared/native';
import { hmacSha256 } from '../shared/signature';

export const HUBSPOT_PATH = '/api/ingest/hubspot';
const PORTAL_ID = 62515;
const APP_ID = 1160452;

function numericOr(s: string): number | string {
  return /^\d{1,15}$/.test(s) ? Number(s) : s;
}

export function hubspotBatch(events: CanonicalEvent[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const e of events) {
    if (e.type !== 'opportunity.won') continue;
    const occurredAt = new Date(e.occurred_at).getTime();
    const common = { subscriptionId: 2881778, portalId: PORTAL_ID, appId: APP_ID, occurredAt, attemptNumber: 0, objectId: numericOr(e.entity_id), changeSource: 'CRM_UI', subscriptionType: 'deal.propertyChange' };
    out.push({ eventId: numericOr(e.event_id), ...common, propertyName: 'dealstage', propertyValue: 'closedwon' });
    if (e.amount !== null) out.push({ eventId: `${e.event_id}-amount`, ...common, propertyName: 'amount', propertyValue: String(e.amount) });
    if (e.currency) out.push({ eventId: `${e.event_id}-currency`, ...common, propertyName: 'deal_currency_code', propertyValue: e.currency });
  }
  return out;
}

export function hubspotSignature(secret: string, method: string, url: string, body: string, timestamp: string): string {
  return hmacSha256(secret, `${method}${url}${body}${timestamp}`, 'base64');
}

export function nativeRequests(events: CanonicalEvent[], opts: SenderOptions): NativeRequest[] {
  const now = opts.now ?? new Date();
  const url = new URL(HUBSPOT_PATH, opts.baseUrl ?? 'http://localhost').toString();
  // HubSpot sends at most 100 events per request; a won deal takes up to 3, kept together.
  const won = events.filter((e) => e.type === 'opportunity.won');
  return chunk(won, 33).map((deals) => {
    const body = JSON.stringify(hubspotBatch(deals));
    const ts = String(now.getTime());
    return {
      path: HUBSPOT_PATH,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': ts,
        'x-hubspot-signature-v3': hubspotSignature(opts.secret ?? '', 'POST', url, body, ts),
        'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/)',
      },
      body,
    };
  });
}
