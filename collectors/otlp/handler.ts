// POST /v1/traces: OTLP/HTTP trace export, application/x-protobuf or application/json,
// optionally gzip-encoded; ingest token auth. Spans go to the `spans` table. Answers per
// the OTLP/HTTP spec: 200 with an ExportTraceServiceResponse in the request's encoding,
// carrying partial_success {rejected_spans, error_message} when some spans were refused;
// 400 with a google.rpc.Status for a body that cannot be decoded (not retryable);
// 503 when storage fails (retryable); 401, 413, 415 as usual.

import zlib from 'node:zlib';
import { env } from '@/lib/env';
import { readBody } from '@/lib/http/body';
import { ApiError, errors } from '@/lib/http/errors';
import { recordDeadLetters } from '@/lib/ingest/dead-letters';
import { metrics } from '@/lib/observability/metrics';
import { getRuntime, type Runtime } from '@/lib/runtime';
import { mediaType, verifyIngestToken, type HandlerOptions } from '../shared/collector';
import { ensureManagedCredentials } from '@/lib/auth/credentials-ready';
import { decodeJson, decodeProtobuf, type OtlpSpan } from './decode';
import { ProtoWriter } from './protobuf';
import { toSpanRows } from './spans';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

function encodeResponse(proto: boolean, rejected: number, message: string): { body: string | Uint8Array; type: string } {
  if (!proto) return { body: JSON.stringify(rejected > 0 ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: message } } : {}), type: JSON_TYPE };
  if (rejected === 0) return { body: new Uint8Array(0), type: PROTOBUF };
  const partial = new ProtoWriter().varintField(1, rejected).stringField(2, message).finish();
  return { body: new ProtoWriter().bytesField(1, partial).finish(), type: PROTOBUF };
}

/** google.rpc.Status {code, message} in the request's encoding. */
function statusResponse(proto: boolean, httpStatus: number, grpcCode: number, message: string, headers: Record<string, string> = {}): Response {
  const body = proto ? new ProtoWriter().varintField(1, grpcCode).stringField(2, message).finish() : JSON.stringify({ code: grpcCode, message });
  return new Response(body as BodyInit, { status: httpStatus, headers: { 'content-type': proto ? PROTOBUF : JSON_TYPE, ...headers } });
}

const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 413: 8, 415: 3, 503: 14 };

export function otlpTracesHandler(opts: HandlerOptions = {}) {
  const runtime = opts.runtime ?? getRuntime;
  return async function POST(req: Request): Promise<Response> {
    const mt = mediaType(req.headers.get('content-type') ?? '');
    const proto = mt === PROTOBUF;
    let rt: Runtime | null = null;
    let raw: Buffer | null = null;
    try {
      rt = await runtime();
      await ensureManagedCredentials(rt.store);
      verifyIngestToken(req, rt);
      if (mt !== PROTOBUF && mt !== JSON_TYPE) throw errors.unsupportedMediaType(`expected ${PROTOBUF} or ${JSON_TYPE}, got ${mt || 'no content type'}`);
      const limit = env().CASHTRACE_MAX_BODY_BYTES;
      raw = await readBody(req, limit);
      const encoding = (req.headers.get('content-encoding') ?? 'identity').toLowerCase();
      let body: Buffer;
      if (encoding === 'gzip') {
        try {
          body = zlib.gunzipSync(raw, { maxOutputLength: limit });
        } catch (e) {
          if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw errors.tooLarge(limit);
          throw errors.badRequest(`gzip body cannot be decompressed: ${(e as Error).message}`);
        }
      } else if (encoding === 'identity') body = raw;
      else throw errors.unsupportedMediaType(`unsupported content-encoding ${encoding}`);
      let spans: OtlpSpan[];
      try {
        spans = proto ? decodeProtobuf(body) : decodeJson(JSON.parse(body.toString('utf8')));
      } catch (e) {
        throw errors.badRequest(`cannot decode the export request: ${(e as Error).message}`);
      }
      const e = env();
      const { lines, rejected, problems } = toSpanRows(spans, { correlation: e.CASHTRACE_OTLP_CORRELATION_ATTRIBUTE, flowSource: e.CASHTRACE_OTLP_FLOW_SOURCE_ATTRIBUTE, flowTarget: e.CASHTRACE_OTLP_FLOW_TARGET_ATTRIBUTE });
      try {
        if (lines.length > 0) await rt.store.insertJsonEachRow('spans', lines.join('\n'));
      } catch (err) {
        console.error('[otlp] span insert failed:', err);
        throw errors.unavailable('spans could not be stored; retry later');
      }
      metrics().eventsReceived.inc(spans.length, { collector: 'otlp' });
      metrics().eventsAccepted.inc(lines.length, { collector: 'otlp' });
      metrics().eventsRejected.inc(rejected, { collector: 'otlp' });
      const out = encodeResponse(proto, rejected, rejected > 0 ? `${rejected} span(s) rejected: ${problems.join(', ')}` : '');
      return new Response(out.body as BodyInit, { status: 200, headers: { 'content-type': out.type } });
    } catch (err) {
      const ae = err instanceof ApiError ? err : errors.unavailable('internal error');
      if (!(err instanceof ApiError)) console.error('[otlp] unexpected error:', err);
      // An undecodable body is kept for IT, like any other collector's.
      if (rt && raw && ae.status === 400) {
        await recordDeadLetters(rt.store, [{ collector: 'otlp', reason: 'malformed', errors: [ae.message], raw: raw.toString(proto ? 'base64' : 'utf8'), content_type: req.headers.get('content-type') ?? '' }]).catch(() => undefined);
      }
      return statusResponse(proto, ae.status, GRPC_CODE[ae.status] ?? 13, ae.message, ae.headers);
    }
  };
}
