// Salesforce: Change Data Capture and Platform Event messages as JSON (one message or an
// array; CometD envelope or decoded Pub/Sub form) and Outbound Messages (SOAP XML,
// answered with the Ack envelope). Salesforce signs neither: the ingest token is required,
// as `Authorization: Bearer` or, for Outbound Messages (which cannot set headers), as the
// endpoint URL's `?token=`.

import { NextResponse } from 'next/server';
import type { CanonicalEventInput } from '@/lib/events/schema';
import { bearerToken } from '@/lib/http/auth-token';
import { ingestTokenValid } from '@/lib/auth/ingest-tokens';
import { errors } from '@/lib/http/errors';
import type { Runtime } from '@/lib/runtime';
import type { Collector, DeliveryContext, InvalidItem } from '../shared/collector';
import { mediaType, parseJson } from '../shared/collector';
import { isRecord } from '../shared/ids';
import { ACK_ENVELOPE, mapOutboundMessage, soapFault } from './outbound-message';
import { mapStreaming, unwrap } from './streaming';

const XML_TYPES = ['text/xml', 'application/soap+xml', 'application/xml'];
const isXml = (ctx: DeliveryContext) => XML_TYPES.includes(mediaType(ctx.contentType));

export function verifySalesforceToken(req: Request, rt: Runtime): void {
  const token = bearerToken(req) ?? new URL(req.url).searchParams.get('token');
  if (!token) throw errors.unauthorized('missing ingest token (Authorization: Bearer …, or ?token= for Outbound Messages)');
  if (!ingestTokenValid(rt, token, 'salesforce')) throw errors.unauthorized('invalid ingest token');
}

export const salesforceCollector: Collector = {
  name: 'salesforce',
  verify: 'token',
  tokenCheck: verifySalesforceToken,
  contentTypes: ['application/json', ...XML_TYPES],
  parse(ctx) {
    if (isXml(ctx)) return { events: mapOutboundMessage(ctx.body.toString('utf8')) };
    const body = parseJson(ctx.body, 'Salesforce streaming');
    const list = Array.isArray(body) ? body : [body];
    const events: CanonicalEventInput[] = [];
    const invalid: InvalidItem[] = [];
    for (const item of list) {
      try {
        if (!isRecord(item)) throw new Error('a streaming message is a JSON object');
        const m = unwrap(item);
        events.push(...mapStreaming(m, `salesforce:${ctx.url.searchParams.get('instance') ?? 'default'}`));
      } catch (e) {
        invalid.push({ errors: [(e as Error).message], raw: JSON.stringify(item) ?? '' });
      }
    }
    return { events, invalid };
  },
  respond(result, _d, ctx) {
    if (isXml(ctx)) return new Response(ACK_ENVELOPE, { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } });
    return NextResponse.json(result, { status: 200 });
  },
  respondError(err, ctx) {
    if (!isXml(ctx)) return NextResponse.json({ error: { code: err.code, message: err.message } }, { status: err.status });
    return new Response(soapFault(err.message), { status: err.status, headers: { 'content-type': 'text/xml; charset=utf-8' } });
  },
};
