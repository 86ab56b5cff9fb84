// CloudEvents 1.0 over HTTP, from any middleware: binary mode (ce-* headers, body = data),
// structured (application/cloudevents+json) and batch (application/cloudevents-batch+json).
// `type` is a catalogue type, optionally behind a reverse-DNS prefix
// (com.acme.q2c.invoice.issued); `subject` is the entity id; `data` carries the other
// canonical fields; the `correlationid` and `traceparent` extensions are honoured.
// Ingest token auth (CloudEvents defines no signature).

import { NextResponse } from 'next/server';
import type { CanonicalEventInput } from '@/lib/events/schema';
import { UNMAPPED_TYPE } from '@/lib/events/catalogue';
import { catalogueTypeOf } from '../shared/catalogue-type';
import { errors } from '@/lib/http/errors';
import type { Collector, DeliveryContext, InvalidItem } from '../shared/collector';
import { mediaType, parseJson } from '../shared/collector';
import { isRecord, str } from '../shared/ids';

type Obj = Record<string, unknown>;

export const CE_STRUCTURED = 'application/cloudevents+json';
export const CE_BATCH = 'application/cloudevents-batch+json';


const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

export function mapCloudEvent(ce: Obj): CanonicalEventInput {
  for (const k of ['specversion', 'id', 'source', 'type']) if (!str(ce[k])) throw new Error(`a CloudEvent needs ${k}`);
  if (str(ce.specversion) !== '1.0') throw new Error(`unsupported specversion ${str(ce.specversion)}`);
  let data: unknown = ce.data;
  if (data === undefined && typeof ce.data_base64 === 'string') data = JSON.parse(Buffer.from(ce.data_base64, 'base64').toString('utf8'));
  const d: Obj = isRecord(data) ? data : {};
  const type = catalogueTypeOf(str(ce.type));
  const tp = TRACEPARENT.exec(str(ce.traceparent));
  const attributes = isRecord(d.attributes) ? { ...d.attributes } : {};
  if (type === UNMAPPED_TYPE) (attributes as Obj).native_type = str(ce.type).slice(0, 200);
  return {
    ...d,
    event_id: str(ce.id),
    source: (d.source as never) ?? 'middleware',
    source_instance: str(d.source_instance) || str(ce.source).slice(0, 100),
    type,
    occurred_at: (ce.time as string) ?? (d.occurred_at as string),
    entity_type: (d.entity_type as string) ?? 'record',
    entity_id: str(ce.subject) || str(d.entity_id),
    correlation_id: str(ce.correlationid) || str(d.correlation_id),
    trace_id: tp ? tp[1] : str(d.trace_id),
    span_id: tp ? tp[2] : str(d.span_id),
    attributes: attributes as Record<string, string>,
    payload: ce,
  } as CanonicalEventInput;
}

/** Binary mode: context attributes from ce-* headers, the body is the data. */
function fromBinary(ctx: DeliveryContext): Obj {
  const ce: Obj = {};
  ctx.req.headers.forEach((v, k) => {
    if (k.startsWith('ce-')) ce[k.slice(3)] = decodeURIComponent(v);
  });
  ce.data = ctx.body.length ? parseJson(ctx.body, 'CloudEvent data') : undefined;
  return ce;
}

export const cloudeventsCollector: Collector = {
  name: 'cloudevents',
  verify: 'token',
  contentTypes: ['application/json', CE_STRUCTURED, CE_BATCH],
  parse(ctx) {
    const mt = mediaType(ctx.contentType);
    let list: unknown[];
    if (mt === CE_BATCH) {
      const body = parseJson(ctx.body, 'CloudEvents batch');
      if (!Array.isArray(body)) throw errors.badRequest('a CloudEvents batch is a JSON array');
      list = body;
    } else if (mt === CE_STRUCTURED) list = [parseJson(ctx.body, 'CloudEvent')];
    else if (ctx.req.headers.get('ce-specversion')) list = [fromBinary(ctx)];
    else throw errors.badRequest('binary-mode CloudEvents need ce-specversion, ce-id, ce-source and ce-type headers');
    const events: CanonicalEventInput[] = [];
    const invalid: InvalidItem[] = [];
    for (const item of list) {
      try {
        if (!isRecord(item)) throw new Error('a CloudEvent is a JSON object');
        events.push(mapCloudEvent(item));
      } catch (e) {
        invalid.push({ errors: [(e as Error).message], raw: JSON.stringify(item) ?? '' });
      }
    }
    return { events, invalid };
  },
  respond(result) {
    return NextResponse.json(result, { status: 202 });
  },
};
