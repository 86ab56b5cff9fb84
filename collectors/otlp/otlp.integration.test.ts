// OTLP/HTTP and CloudEvents with the standards' own client libraries as senders, over a
// real socket: OpenTelemetry SDK spans through the JSON and protobuf (gzip) exporters, and
// the cloudevents HTTP emitter in binary and structured mode plus a batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace';
import { CloudEvent, emitterFor, httpTransport, Mode } from 'cloudevents';
import { resetEnvForTests } from '@/lib/env';
import { sql } from '@/lib/clickhouse/sql';
import type { Store } from '@/lib/clickhouse/client';
import { startCollectorTestServer, type CollectorTestServer } from '../shared/test-server';
import { ProtoReader, readMessage } from './protobuf';

const TOKEN = 'ct_ingest_otlp_test_token_0123';
process.env.CASHTRACE_INGEST_TOKEN = TOKEN;
resetEnvForTests();

let store: Store;
let t: CollectorTestServer;
let base = '';

beforeAll(async () => {
  t = await startCollectorTestServer();
  ({ store, base } = t);
});
afterAll(async () => {
  await t?.close();
});

async function sendSpans(exporter: SpanExporter, service: string, deal: string): Promise<string> {
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('cashtrace-test');
  const parent = tracer.startSpan('sync milestone to ERP', { kind: SpanKind.SERVER, attributes: { 'q2c.correlation_id': deal, 'q2c.flow_source': 'psa', 'q2c.flow_target': 'erp', 'q2c.record': 'psa:milestone:MS-1', attempt: 2, ok: false, tags: ['a', 'b'] } });
  const traceId = parent.spanContext().traceId;
  parent.addEvent('retry', { attempt: 2 });
  parent.setStatus({ code: SpanStatusCode.ERROR, message: 'ERP timeout' });
  parent.end();
  await provider.forceFlush();
  await provider.shutdown();
  return traceId;
}

type SpanRow = { trace_id: string; name: string; kind: string; service_name: string; status_code: string; status_message: string; correlation_id: string; flow_source: string; flow_target: string; attributes: Record<string, string>; events: unknown[] };

describe('OTLP/HTTP traces', () => {
  it.each([
    ['json', () => new JsonExporter({ url: `${base}/v1/traces`, headers: { Authorization: `Bearer ${TOKEN}` } })],
    ['protobuf + gzip', () => new ProtoExporter({ url: `${base}/v1/traces`, headers: { Authorization: `Bearer ${TOKEN}` }, compression: 'gzip' as never })],
  ])('stores spans sent by the OpenTelemetry SDK (%s)', async (label, make) => {
    const deal = `DEAL-${label.replace(/\W/g, '')}`;
    const traceId = await sendSpans(make(), `mule-${label.replace(/\W/g, '')}`, deal);
    const rows = await store.query<SpanRow>(sql`SELECT trace_id, name, kind, service_name, status_code, status_message, correlation_id, flow_source, flow_target, attributes, events FROM spans WHERE trace_id = ${traceId}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'sync milestone to ERP', kind: 'SERVER', status_code: 'ERROR', status_message: 'ERP timeout', correlation_id: deal, flow_source: 'psa', flow_target: 'erp' });
    expect(rows[0].attributes).toMatchObject({ attempt: '2', ok: 'false', tags: '["a","b"]', 'q2c.record': 'psa:milestone:MS-1' });
    expect(rows[0].events).toHaveLength(1);
  });

  it('answers partial success for spans it cannot store, and keeps the rest', async () => {
    const now = String(BigInt(Date.now()) * 1_000_000n);
    const span = (traceId: string, spanId: string) => ({ traceId, spanId, name: 'x', kind: 1, startTimeUnixNano: now, endTimeUnixNano: now });
    const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ scope: { name: 's' }, spans: [span('5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174'), span('00000000000000000000000000000000', 'eee19b7ec3c1b175')] }] }] };
    const res = await fetch(`${base}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringMatching(/invalid trace id/) } });
    expect(Number((await store.query<{ c: string }>(sql`SELECT count() AS c FROM spans WHERE trace_id = '5b8efff798038103d269b633813fc60c'`))[0].c)).toBe(1);
  });

  it('answers a protobuf partial success in protobuf', async () => {
    // ExportTraceServiceRequest{resource_spans{scope_spans{spans{trace_id: 16 zero bytes, span_id: 8 bytes}}}}
    const spanMsg = Buffer.concat([Buffer.from([0x0a, 16]), Buffer.alloc(16), Buffer.from([0x12, 8]), Buffer.alloc(8, 1)]);
    const ss = Buffer.concat([Buffer.from([0x12, spanMsg.length]), spanMsg]);
    const rs = Buffer.concat([Buffer.from([0x12, ss.length]), ss]);
    const req = Buffer.concat([Buffer.from([0x0a, rs.length]), rs]);
    const res = await fetch(`${base}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip', authorization: `Bearer ${TOKEN}` }, body: zlib.gzipSync(req) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    let rejected = 0n;
    let message = '';
    readMessage(new ProtoReader(new Uint8Array(await res.arrayBuffer())), (f, w, r) => {
      if (f !== 1) return false;
      readMessage(r.sub(), (ff, ww, r2) => {
        if (ff === 1) rejected = r2.varint();
        else if (ff === 2) message = r2.string();
        else return false;
        return true;
      });
      return true;
    });
    expect(rejected).toBe(1n);
    expect(message).toMatch(/invalid trace id/);
  });

  it('rejects a bad token (401), an unknown content type (415) and an undecodable body (400, dead-lettered)', async () => {
    const post = (headers: Record<string, string>, body: BodyInit) => fetch(`${base}/v1/traces`, { method: 'POST', headers, body });
    expect((await post({ 'content-type': 'application/json', authorization: 'Bearer nope-nope-nope-nope' }, '{}')).status).toBe(401);
    expect((await post({ 'content-type': 'text/plain', authorization: `Bearer ${TOKEN}` }, '{}')).status).toBe(415);
    const bad = await post({ 'content-type': 'application/x-protobuf', authorization: `Bearer ${TOKEN}` }, new Uint8Array([0x0a, 0xff, 0x01]));
    expect(bad.status).toBe(400);
    expect(Number((await store.query<{ c: string }>(sql`SELECT count() AS c FROM dead_letters WHERE collector = 'otlp'`))[0].c)).toBe(1);
    expect((await post({ 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${TOKEN}` }, 'not gzip')).status).toBe(400);
  });
});

describe('CloudEvents with the cloudevents SDK', () => {
  const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
  const make = (id: string, type: string, extra: Record<string, unknown> = {}) =>
    new CloudEvent({ specversion: '1.0', id, source: '/mulesoft/psa-erp', type, subject: `MS-${id}`, time: '2026-03-05T10:00:00Z', datacontenttype: 'application/json', data: { source: 'psa', entity_type: 'milestone', refs: ['psa:project:PRJ-CE'], amount: 1250.5, currency: 'EUR' }, ...extra });

  it('accepts binary, structured and batch mode, honouring correlationid and traceparent', async () => {
    const url = `${base}/api/ingest/cloudevents`;
    await emitterFor(httpTransport(url), { mode: Mode.BINARY })(make('ce-bin', 'com.acme.q2c.milestone.completed', { correlationid: 'DEAL-CE', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }), auth);
    await emitterFor(httpTransport(url), { mode: Mode.STRUCTURED })(make('ce-str', 'milestone.completed'), auth);
    const batch = JSON.stringify([make('ce-b1', 'com.acme.q2c.milestone.completed'), make('ce-b2', 'com.acme.q2c.milestone.completed')]);
    await httpTransport(url)({ headers: { 'content-type': 'application/cloudevents-batch+json' }, body: batch }, auth);
    const rows = await store.query<{ event_id: string; type: string; entity_id: string; amount: string; correlation_id: string; stamped_correlation_id: string; trace_id: string; span_id: string }>(
      sql`SELECT event_id, type, entity_id, toString(amount) AS amount, stamped_correlation_id, trace_id, span_id FROM events WHERE event_id IN ${['ce-bin', 'ce-str', 'ce-b1', 'ce-b2']} ORDER BY event_id`,
    );
    expect(rows.map((r) => [r.event_id, r.type, r.entity_id, r.amount])).toEqual([
      ['ce-b1', 'milestone.completed', 'MS-ce-b1', '1250.5'],
      ['ce-b2', 'milestone.completed', 'MS-ce-b2', '1250.5'],
      ['ce-bin', 'milestone.completed', 'MS-ce-bin', '1250.5'],
      ['ce-str', 'milestone.completed', 'MS-ce-str', '1250.5'],
    ]);
    expect(rows[2]).toMatchObject({ stamped_correlation_id: 'DEAL-CE', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' });
  });
});
