// OTLP/HTTP trace export requests, protobuf or JSON, ▶ one normalised span list.
// Protobuf field numbers follow opentelemetry/proto/trace/v1/trace.proto and
// common/v1/common.proto; JSON follows the OTLP/JSON mapping (hex ids, int64 as strings,
// enums as integers or names).

import { ProtoReader, readMessage } from './protobuf';

export type AttrValue = string | number | boolean | null | AttrValue[] | { [k: string]: AttrValue };

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttrValue>;
  events: { timeNs: bigint; name: string; attributes: Record<string, AttrValue> }[];
  statusCode: number;
  statusMessage: string;
  resource: Record<string, AttrValue>;
  scope: string;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// ---- protobuf ----

function pbAnyValue(r: ProtoReader): AttrValue {
  let v: AttrValue = null;
  readMessage(r, (f, w, rr) => {
    if (f === 1 && w === 2) v = rr.string();
    else if (f === 2 && w === 0) v = rr.varint() !== 0n;
    else if (f === 3 && w === 0) v = Number(BigInt.asIntN(64, rr.varint()));
    else if (f === 4 && w === 1) v = rr.double();
    else if (f === 5 && w === 2) {
      const arr: AttrValue[] = [];
      readMessage(rr.sub(), (ff, ww, r3) => (ff === 1 && ww === 2 ? (arr.push(pbAnyValue(r3.sub())), true) : false));
      v = arr;
    } else if (f === 6 && w === 2) v = pbKeyValues(rr.sub(), 1);
    else if (f === 7 && w === 2) v = Buffer.from(rr.bytes()).toString('base64');
    else return false;
    return true;
  });
  return v;
}

function pbKeyValue(r: ProtoReader): [string, AttrValue] {
  let key = '';
  let value: AttrValue = null;
  readMessage(r, (f, w, rr) => {
    if (f === 1 && w === 2) key = rr.string();
    else if (f === 2 && w === 2) value = pbAnyValue(rr.sub());
    else return false;
    return true;
  });
  return [key, value];
}

/** Repeated KeyValue in `field` of the message read by r. */
function pbKeyValues(r: ProtoReader, field: number): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  readMessage(r, (f, w, rr) => {
    if (f !== field || w !== 2) return false;
    const [k, v] = pbKeyValue(rr.sub());
    out[k] = v;
    return true;
  });
  return out;
}

function pbSpan(r: ProtoReader, resource: Record<string, AttrValue>, scope: string): OtlpSpan {
  const s: OtlpSpan = { traceId: '', spanId: '', parentSpanId: '', name: '', kind: 0, startNs: 0n, endNs: 0n, attributes: {}, events: [], statusCode: 0, statusMessage: '', resource, scope };
  readMessage(r, (f, w, rr) => {
    if (f === 1 && w === 2) s.traceId = hex(rr.bytes());
    else if (f === 2 && w === 2) s.spanId = hex(rr.bytes());
    else if (f === 4 && w === 2) s.parentSpanId = hex(rr.bytes());
    else if (f === 5 && w === 2) s.name = rr.string();
    else if (f === 6 && w === 0) s.kind = Number(rr.varint());
    else if (f === 7 && w === 1) s.startNs = rr.fixed64();
    else if (f === 8 && w === 1) s.endNs = rr.fixed64();
    else if (f === 9 && w === 2) {
      const [k, v] = pbKeyValue(rr.sub());
      s.attributes[k] = v;
    } else if (f === 11 && w === 2) {
      const e = { timeNs: 0n, name: '', attributes: {} as Record<string, AttrValue> };
      readMessage(rr.sub(), (ff, ww, r3) => {
        if (ff === 1 && ww === 1) e.timeNs = r3.fixed64();
        else if (ff === 2 && ww === 2) e.name = r3.string();
        else if (ff === 3 && ww === 2) {
          const [k, v] = pbKeyValue(r3.sub());
          e.attributes[k] = v;
        } else return false;
        return true;
      });
      s.events.push(e);
    } else if (f === 15 && w === 2) {
      readMessage(rr.sub(), (ff, ww, r3) => {
        if (ff === 2 && ww === 2) s.statusMessage = r3.string();
        else if (ff === 3 && ww === 0) s.statusCode = Number(r3.varint());
        else return false;
        return true;
      });
    } else return false;
    return true;
  });
  return s;
}

export function decodeProtobuf(buf: Uint8Array): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  readMessage(new ProtoReader(buf), (f, w, r) => {
    if (f !== 1 || w !== 2) return false;
    const rs = r.sub();
    let resource: Record<string, AttrValue> = {};
    const scopeBlobs: ProtoReader[] = [];
    readMessage(rs, (ff, ww, r2) => {
      if (ff === 1 && ww === 2) resource = pbKeyValues(r2.sub(), 1);
      else if (ff === 2 && ww === 2) scopeBlobs.push(r2.sub());
      else return false;
      return true;
    });
    for (const ss of scopeBlobs) {
      let scope = '';
      const spanBlobs: ProtoReader[] = [];
      readMessage(ss, (ff, ww, r3) => {
        if (ff === 1 && ww === 2) readMessage(r3.sub(), (a, b, r4) => (a === 1 && b === 2 ? ((scope = r4.string()), true) : false));
        else if (ff === 2 && ww === 2) spanBlobs.push(r3.sub());
        else return false;
        return true;
      });
      for (const sb of spanBlobs) spans.push(pbSpan(sb, resource, scope));
    }
    return true;
  });
  return spans;
}

// ---- JSON ----

type J = Record<string, unknown>;
const isObj = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);
const KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const enumOf = (v: unknown, names: string[]) => (typeof v === 'number' ? v : Math.max(0, names.indexOf(String(v))));
const nanos = (v: unknown): bigint => (typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : typeof v === 'number' && Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n);

function jsonAnyValue(v: unknown): AttrValue {
  if (!isObj(v)) return null;
  if ('stringValue' in v) return String(v.stringValue);
  if ('boolValue' in v) return Boolean(v.boolValue);
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('bytesValue' in v) return String(v.bytesValue);
  if (isObj(v.arrayValue)) return (Array.isArray(v.arrayValue.values) ? v.arrayValue.values : []).map(jsonAnyValue);
  if (isObj(v.kvlistValue)) return jsonKeyValues(v.kvlistValue.values);
  return null;
}

function jsonKeyValues(list: unknown): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  if (Array.isArray(list)) for (const kv of list) if (isObj(kv) && typeof kv.key === 'string') out[kv.key] = jsonAnyValue(kv.value);
  return out;
}

export function decodeJson(body: unknown): OtlpSpan[] {
  if (!isObj(body)) throw new Error('an OTLP/JSON export request is an object');
  const spans: OtlpSpan[] = [];
  for (const rs of Array.isArray(body.resourceSpans) ? body.resourceSpans : []) {
    if (!isObj(rs)) continue;
    const resource = jsonKeyValues(isObj(rs.resource) ? rs.resource.attributes : []);
    for (const ss of Array.isArray(rs.scopeSpans) ? rs.scopeSpans : []) {
      if (!isObj(ss)) continue;
      const scope = isObj(ss.scope) ? String(ss.scope.name ?? '') : '';
      for (const sp of Array.isArray(ss.spans) ? ss.spans : []) {
        if (!isObj(sp)) continue;
        const status = isObj(sp.status) ? sp.status : {};
        spans.push({
          traceId: String(sp.traceId ?? '').toLowerCase(),
          spanId: String(sp.spanId ?? '').toLowerCase(),
          parentSpanId: String(sp.parentSpanId ?? '').toLowerCase(),
          name: String(sp.name ?? ''),
          kind: enumOf(sp.kind, KINDS),
          startNs: nanos(sp.startTimeUnixNano),
          endNs: nanos(sp.endTimeUnixNano),
          attributes: jsonKeyValues(sp.attributes),
          events: (Array.isArray(sp.events) ? sp.events : []).filter(isObj).map((e) => ({ timeNs: nanos(e.timeUnixNano), name: String(e.name ?? ''), attributes: jsonKeyValues(e.attributes) })),
          statusCode: enumOf(status.code, CODES),
          statusMessage: String(status.message ?? ''),
          resource,
          scope,
        });
      }
    }
  }
  return spans;
}

export const KIND_NAMES = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
export const STATUS_NAMES = ['UNSET', 'OK', 'ERROR'];
