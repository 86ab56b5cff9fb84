// NetSuite (our contract, for SuiteScript 2.1 afterSubmit senders): `{account, records[]}`
// signed with X-Cashtrace-Signature `t=<unix s>,v1=<hex HMAC-SHA256 of "t.body">`
// (several v1 allowed while the secret rotates), 300 s tolerance. Records that cannot be
// mapped go to dead letters; the rest are accepted. 200 JSON with the ingest result.

import { NextResponse } from 'next/server';
import { errors } from '@/lib/http/errors';
import type { CanonicalEventInput } from '@/lib/events/schema';
import type { Collector, DeliveryContext, InvalidItem } from '../shared/collector';
import { parseJson } from '../shared/collector';
import { isRecord, str } from '../shared/ids';
import { secretsFor, verifyTimestampedHmac } from '../shared/signature';
import { mapNetsuiteRecord } from './mapping';

export const NETSUITE_TOLERANCE_S = 300;

export function verifyNetsuite(ctx: DeliveryContext): void {
  verifyTimestampedHmac(ctx.req.headers.get('x-cashtrace-signature'), 'X-Cashtrace-Signature', ctx.body, secretsFor('netsuite'), NETSUITE_TOLERANCE_S, ctx.now);
}

export const netsuiteCollector: Collector = {
  name: 'netsuite',
  verify: verifyNetsuite,
  contentTypes: ['application/json'],
  parse(ctx) {
    const body = parseJson(ctx.body, 'NetSuite');
    if (!isRecord(body) || !Array.isArray(body.records)) throw errors.badRequest('expected {"account": "…", "records": [ … ]}');
    const account = str(body.account);
    const events: CanonicalEventInput[] = [];
    const invalid: InvalidItem[] = [];
    for (const r of body.records) {
      try {
        if (!isRecord(r)) throw new Error('a record is an object');
        events.push(mapNetsuiteRecord(r, account));
      } catch (e) {
        invalid.push({ errors: [(e as Error).message], raw: JSON.stringify(r) ?? '' });
      }
    }
    return { events, invalid };
  },
  respond(result) {
    return NextResponse.json(result, { status: 200 });
  },
};
