// The trace waterfall and a deal's traces against a real chDB store.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { openTempStore } from '../testing/temp-store';
import { ev } from '../testing/events';
import { spanLines, spanId, traceId } from '../testing/spans';
import { IngestWriter } from '../ingest/writer';
import { getTrace } from './get-trace';
import { getDealTraces } from './get-deal-traces';

let store: Store;
const DEAL = 'crm:opportunity:OPP-7';

beforeAll(async () => {
  ({ store } = await openTempStore());
  const w = await IngestWriter.open(store);
  await w.write([
    ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-7', occurred_at: '2026-03-02T08:00:00Z' }),
    ev({ source: 'psa', type: 'milestone.completed', entity_type: 'milestone', entity_id: 'MS-7', refs: [DEAL], occurred_at: '2026-03-02T09:00:00Z' }),
    // Trace 1: the failed and then the successful sync of MS-7, both events stamped with it.
    ev({ source: 'middleware', type: 'sync.failed', entity_type: 'sync', entity_id: 'RUN-1', refs: ['psa:milestone:MS-7'], occurred_at: '2026-03-02T10:00:00.400Z', status: 'ERP_TIMEOUT', trace_id: traceId(1), span_id: spanId(3), attributes: { flow_source: 'psa', flow_target: 'erp', attempt: '1' } }),
    ev({ source: 'middleware', type: 'sync.succeeded', entity_type: 'sync', entity_id: 'RUN-2', refs: ['psa:milestone:MS-7'], occurred_at: '2026-03-02T10:00:01.200Z', trace_id: traceId(1), span_id: spanId(4), attributes: { flow_source: 'psa', flow_target: 'erp', attempt: '2' } }),
    // Trace 3: named by an event only; its spans were never received.
    ev({ source: 'middleware', type: 'sync.requested', entity_type: 'sync', entity_id: 'RUN-3', refs: ['psa:milestone:MS-7'], occurred_at: '2026-03-03T10:00:00Z', trace_id: traceId(3) }),
  ]);
  const flow = { flow_source: 'psa', flow_target: 'erp' };
  await store.insertJsonEachRow(
    'spans',
    spanLines([
      // Trace 1: root 1.5 s; a failed ERP call (0.1–0.4 s) and its retry (0.5–1.2 s) with a DB child.
      { trace_id: traceId(1), span_id: spanId(1), name: 'sync milestone', service_name: 'mulesoft', start: '2026-03-02T10:00:00Z', duration_ms: 1500, correlation_id: DEAL, ...flow },
      { trace_id: traceId(1), span_id: spanId(3), parent_span_id: spanId(1), name: 'POST /erp/invoices', service_name: 'mulesoft', start: '2026-03-02T10:00:00.100Z', duration_ms: 300, status_code: 'STATUS_CODE_ERROR', status_message: 'timeout', attributes: { 'http.response.status_code': '504' } },
      { trace_id: traceId(1), span_id: spanId(4), parent_span_id: spanId(1), name: 'POST /erp/invoices', service_name: 'mulesoft', start: '2026-03-02T10:00:00.500Z', duration_ms: 700, attributes: { attempt: '2' } },
      { trace_id: traceId(1), span_id: spanId(5), parent_span_id: spanId(4), name: 'INSERT invoice', service_name: 'erp-db', start: '2026-03-02T10:00:00.600Z', duration_ms: 250.5 },
      // Trace 2: carries the deal's correlation id on its span only.
      { trace_id: traceId(2), span_id: spanId(6), name: 'provision project', service_name: 'boomi', start: '2026-03-02T11:00:00Z', duration_ms: 80, correlation_id: DEAL, flow_source: 'crm', flow_target: 'psa' },
      // Another deal's trace.
      { trace_id: traceId(9), span_id: spanId(9), name: 'other', start: '2026-03-02T12:00:00Z', duration_ms: 10, correlation_id: 'crm:opportunity:OTHER' },
    ]),
  );
});
afterAll(async () => {
  await store.close();
});

describe('getTrace', () => {
  it('returns the spans with offsets, the events carrying the trace and the deal', async () => {
    const t = await getTrace(store, { trace_id: traceId(1).toUpperCase() });
    expect(t).not.toBeNull();
    expect(t!).toMatchObject({ trace_id: traceId(1), correlation_id: DEAL, started_at: '2026-03-02T10:00:00.000Z', duration_ms: 1500, error_spans: 1 });
    expect(t!.services).toEqual(['mulesoft', 'erp-db']);
    expect(t!.spans.map((s) => [s.span_id, s.parent_span_id, s.offset_ms, s.duration_ms, s.error])).toEqual([
      [spanId(1), '', 0, 1500, false],
      [spanId(3), spanId(1), 100, 300, true],
      [spanId(4), spanId(1), 500, 700, false],
      [spanId(5), spanId(4), 600, 250.5, false],
    ]);
    expect(t!.spans[1]).toMatchObject({ status_message: 'timeout', attributes: { 'http.response.status_code': '504' } });
    expect(t!.events.map((e) => [e.type, e.span_id, e.correlation_id])).toEqual([
      ['sync.failed', spanId(3), DEAL],
      ['sync.succeeded', spanId(4), DEAL],
    ]);
  });

  it('finds a trace known only from events, and returns null for an unknown one', async () => {
    const t = await getTrace(store, { trace_id: traceId(3) });
    expect(t).toMatchObject({ spans: [], correlation_id: DEAL, duration_ms: 0 });
    expect(t!.events.map((e) => e.type)).toEqual(['sync.requested']);
    expect(await getTrace(store, { trace_id: traceId(42) })).toBeNull();
  });
});

describe('getDealTraces', () => {
  it('lists the traces of a deal from spans and events, newest first', async () => {
    const rows = await getDealTraces(store, { correlation_id: DEAL });
    expect(rows.map((r) => [r.trace_id, r.spans, r.error_spans, r.duration_ms, r.events, r.root_name, r.flows])).toEqual([
      [traceId(3), 0, 0, null, 1, '', []],
      [traceId(2), 1, 0, 80, 0, 'provision project', ['crm → psa']],
      [traceId(1), 4, 1, 1500, 2, 'sync milestone', ['psa → erp']],
    ]);
    expect(rows[2].event_types).toEqual(['sync.failed', 'sync.succeeded']);
    expect(await getDealTraces(store, { correlation_id: 'crm:opportunity:NONE' })).toEqual([]);
  });
});
