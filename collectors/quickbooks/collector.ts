// QuickBooks Online webhooks: `intuit-signature` = base64 HMAC-SHA256 of the body under
// the app's verifier token. Both payload formats (CloudEvents array, legacy
// eventNotifications) ▶ canonical events (collectors/quickbooks/mapping.ts). Intuit wants
// 200 within a few seconds and retries otherwise.

import { NextResponse } from 'next/server';
import { errors } from '@/lib/http/errors';
import type { Collector, DeliveryContext, InvalidItem } from '../shared/collector';
import { parseJson } from '../shared/collector';
import { isRecord } from '../shared/ids';
import { anySignatureMatches, secretsFor } from '../shared/signature';
import { fromCloudEvent, fromLegacy, mapQboNotice, type QboNotice } from './mapping';

export function verifyQuickbooks(ctx: DeliveryContext): void {
  const sig = ctx.req.headers.get('intuit-signature');
  if (!sig) throw errors.unauthorized('missing intuit-signature');
  if (!anySignatureMatches(secretsFor('quickbooks'), ctx.body, [sig], 'base64')) throw errors.unauthorized('intuit-signature does not match the verifier token');
}

export const quickbooksCollector: Collector = {
  name: 'quickbooks',
  verify: verifyQuickbooks,
  contentTypes: ['application/json', 'application/cloudevents-batch+json'],
  parse(ctx) {
    const body = parseJson(ctx.body, 'QuickBooks webhook');
    const notices: QboNotice[] = [];
    const invalid: InvalidItem[] = [];
    if (Array.isArray(body)) {
      for (const ce of body) {
        const n = isRecord(ce) ? fromCloudEvent(ce) : null;
        if (n) notices.push(n);
        else invalid.push({ errors: ['a QuickBooks CloudEvent needs id, type qbo.<entity>.<operation>.v<n> and intuitentityid'], raw: JSON.stringify(ce) ?? '' });
      }
    } else if (isRecord(body) && Array.isArray(body.eventNotifications)) {
      const r = fromLegacy(body);
      notices.push(...r.notices);
      for (const b of r.bad) invalid.push({ errors: ['a legacy notification needs dataChangeEvent.entities[] with name, id and operation'], raw: JSON.stringify(b) ?? '' });
    } else {
      throw errors.badRequest('expected a CloudEvents array or an eventNotifications object');
    }
    return { events: notices.map(mapQboNotice), invalid };
  },
  respond(result) {
    return NextResponse.json(result, { status: 200 });
  },
};
