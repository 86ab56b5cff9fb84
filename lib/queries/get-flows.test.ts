// Flow health and flow failures against a real chDB store, with hand-built sync events
// and spans whose every figure is known in advance.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { openTempStore } from '../testing/temp-store';
import { ev } from '../testing/events';
import { spanLines, spanId, traceId } from '../testing/spans';
import { IngestWriter } from '../ingest/writer';
import { getFlows } from './get-flows';
import { getFlowFailures } from './get-flow-failures';

let store: Store;

function sync(type: 'sync.succeeded' | 'sync.failed' | 'sync.requested', at: string, record: string, attempt: number, extra: { trace?: number; status?: string; deadLetter?: boolean; flow?: [string, string] } = {}) {
  const [src, tgt] = extra.flow ?? ['psa', 'erp'];
  return ev({
    source: 'middleware',
    type,
    entity_type: 'sync',
    entity_id: `RUN-${record}-${at}`,
    refs: [record],
    occurred_at: at,
    status: extra.status ?? '',
    trace_id: extra.trace ? traceId(extra.trace) : '',
    attributes: { flow_source: src, flow_target: tgt, attempt: String(attempt), ...(extra.deadLetter ? { dead_letter: 'true' } : {}) },
  });
}

beforeAll(async () => {
  ({ store } = await openTempStore());
  const w = await IngestWriter.open(store);
  // Two deals: OPP-1 (EMEA) owns MS-1 and MS-2, OPP-3 (AMER) owns MS-3.
  await w.write([
    ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-1', occurred_at: '2026-03-01T09:00:00Z', attributes: { region: 'EMEA', customer: 'Acme' } }),
    ev({ source: 'psa', type: 'project.provisioned', entity_type: 'project', entity_id: 'PRJ-1', refs: ['crm:opportunity:OPP-1'], occurred_at: '2026-03-01T10:00:00Z' }),
    ev({ source: 'psa', type: 'milestone.completed', entity_type: 'milestone', entity_id: 'MS-1', refs: ['psa:project:PRJ-1'], occurred_at: '2026-03-02T08:00:00Z' }),
    ev({ source: 'psa', type: 'milestone.completed', entity_type: 'milestone', entity_id: 'MS-2', refs: ['psa:project:PRJ-1'], occurred_at: '2026-03-02T08:00:00Z' }),
    ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-3', occurred_at: '2026-03-01T09:00:00Z', attributes: { region: 'AMER', customer: 'Globex' } }),
    ev({ source: 'psa', type: 'project.provisioned', entity_type: 'project', entity_id: 'PRJ-3', refs: ['crm:opportunity:OPP-3'], occurred_at: '2026-03-01T10:00:00Z' }),
    ev({ source: 'psa', type: 'milestone.completed', entity_type: 'milestone', entity_id: 'MS-3', refs: ['psa:project:PRJ-3'], occurred_at: '2026-03-02T08:00:00Z' }),
  ]);
  // psa → erp, from sync events: MS-1 fails twice then succeeds on attempt 3 (20 min to
  // recover), MS-2 succeeds first time, MS-3 fails into the dead-letter queue and stays
  // failed, MS-1 fails again at 13:00 and recovers at 13:10 (10 min).
  const mw = [
    sync('sync.requested', '2026-03-02T09:59:00Z', 'psa:milestone:MS-1', 1),
    sync('sync.failed', '2026-03-02T10:00:00Z', 'psa:milestone:MS-1', 1, { trace: 1, status: 'ERP_TIMEOUT' }),
    sync('sync.failed', '2026-03-02T10:05:00Z', 'psa:milestone:MS-1', 2, { trace: 2, status: 'ERP_TIMEOUT' }),
    sync('sync.succeeded', '2026-03-02T10:20:00Z', 'psa:milestone:MS-1', 3, { trace: 3 }),
    sync('sync.succeeded', '2026-03-02T11:00:00Z', 'psa:milestone:MS-2', 1, { trace: 4 }),
    sync('sync.failed', '2026-03-02T12:00:00Z', 'psa:milestone:MS-3', 1, { status: 'VALIDATION', deadLetter: true }),
    sync('sync.failed', '2026-03-02T13:00:00Z', 'psa:milestone:MS-1', 1, { status: 'ERP_LOCKED' }),
    sync('sync.succeeded', '2026-03-02T13:10:00Z', 'psa:milestone:MS-1', 2),
  ];
  // crm → psa without spans: latency from sync.requested to the outcome of the same run (12 s).
  const run = (type: 'sync.requested' | 'sync.succeeded', at: string) =>
    ev({ source: 'middleware', type, entity_type: 'sync', entity_id: 'RUN-CP-1', refs: ['crm:opportunity:OPP-1'], occurred_at: at, attributes: { flow_source: 'crm', flow_target: 'psa', attempt: '1' } });
  // Redelivery of one event must not count twice.
  await w.write([...mw, mw[1], run('sync.requested', '2026-03-02T16:00:00Z'), run('sync.succeeded', '2026-03-02T16:00:12Z')]);

  // Spans: traces 1-4 belong to the psa → erp runs above (latency 2 s, 4 s, 1 s, 3 s; the
  // child span of trace 1 must not change its duration). Traces 5-7 are crm → erp runs
  // known only from spans: 500 ms ok, 700 ms error on OPP-1, 300 ms ok retry 5 min later.
  const flow = { flow_source: 'psa', flow_target: 'erp' };
  const crm = { flow_source: 'crm', flow_target: 'erp', correlation_id: 'crm:opportunity:OPP-1' };
  await store.insertJsonEachRow(
    'spans',
    spanLines([
      { trace_id: traceId(1), span_id: spanId(1), start: '2026-03-02T10:00:00Z', duration_ms: 2000, status_code: 'STATUS_CODE_ERROR', ...flow },
      { trace_id: traceId(1), span_id: spanId(2), parent_span_id: spanId(1), start: '2026-03-02T10:00:00.200Z', duration_ms: 1500, status_code: 'STATUS_CODE_ERROR', ...flow },
      { trace_id: traceId(2), span_id: spanId(3), start: '2026-03-02T10:05:00Z', duration_ms: 4000, status_code: 'STATUS_CODE_ERROR', ...flow },
      { trace_id: traceId(3), span_id: spanId(4), start: '2026-03-02T10:20:00Z', duration_ms: 1000, ...flow },
      { trace_id: traceId(4), span_id: spanId(5), start: '2026-03-02T11:00:00Z', duration_ms: 3000, ...flow },
      { trace_id: traceId(5), span_id: spanId(6), start: '2026-03-02T14:00:00Z', duration_ms: 500, flow_source: 'crm', flow_target: 'erp', correlation_id: 'crm:opportunity:OPP-3' },
      { trace_id: traceId(6), span_id: spanId(7), start: '2026-03-02T15:00:00Z', duration_ms: 700, status_code: 'STATUS_CODE_ERROR', status_message: 'HTTP 503', attributes: { attempt: '1' }, ...crm },
      { trace_id: traceId(7), span_id: spanId(8), start: '2026-03-02T15:05:00Z', duration_ms: 300, attributes: { attempt: '2' }, ...crm },
      // A span without a flow (plain service work) is not a flow run.
      { trace_id: traceId(8), span_id: spanId(9), start: '2026-03-02T15:06:00Z', duration_ms: 100 },
    ]),
  );
  // Flow health reads the runs' snapshot (sql/048), kept by the writer's refresher.
  await w.settled();
});
afterAll(async () => {
  await store.close();
});

describe('getFlows', () => {
  it('computes throughput, error rate, retries, dead letters, latency and time to recover per flow', async () => {
    const r = await getFlows(store, {});
    expect(r.flows.map((f) => `${f.flow_source}->${f.flow_target}`)).toEqual(['psa->erp', 'crm->erp', 'crm->psa']);
    const [psa, crm, crmPsa] = r.flows;
    expect(psa).toMatchObject({
      runs: 7,
      failures: 4,
      retries: 3,
      dead_letters: 1,
      records: 3,
      span_runs: 0,
      last_run_at: '2026-03-02T13:10:00.000Z',
      last_failure_at: '2026-03-02T13:00:00.000Z',
      latency_samples: 4,
      latency_p50_ms: 2500,
      latency_p95_ms: 3850,
      latency_p99_ms: 3970,
      failure_episodes: 3,
      recovered: 2,
      open_failures: 1,
      ttr_p50_s: 900,
      ttr_mean_s: 900,
      ttr_max_s: 1200,
    });
    expect(psa.error_rate).toBeCloseTo(4 / 7, 10);
    expect(crm).toMatchObject({
      runs: 3,
      failures: 1,
      retries: 1,
      span_runs: 3,
      records: 2,
      latency_samples: 3,
      latency_p50_ms: 500,
      failure_episodes: 1,
      recovered: 1,
      open_failures: 0,
      ttr_p50_s: 300,
    });
    expect(crm.error_rate).toBeCloseTo(1 / 3, 10);
    expect(crmPsa).toMatchObject({ runs: 1, failures: 0, error_rate: 0, latency_samples: 1, latency_p50_ms: 12000, failure_episodes: 0, ttr_p50_s: null });
  });

  it('gives an hourly trend for a one-day window', async () => {
    const r = await getFlows(store, { from: '2026-03-02', to: '2026-03-02' });
    expect(r.bucket).toBe('hour');
    const psa = r.trend.filter((t) => t.flow_source === 'psa').map((t) => [t.bucket.slice(11, 16), t.runs, t.failures]);
    expect(psa).toEqual([
      ['10:00', 3, 2],
      ['11:00', 1, 0],
      ['12:00', 1, 1],
      ['13:00', 2, 1],
    ]);
  });

  it('honours the time window and the deal filters', async () => {
    const none = await getFlows(store, { from: '2026-03-03' });
    expect(none.flows).toEqual([]);
    const amer = await getFlows(store, { region: 'AMER' });
    expect(amer.flows.map((f) => [f.flow_source, f.runs, f.failures, f.open_failures])).toEqual([
      ['psa', 1, 1, 1],
      ['crm', 1, 0, 0],
    ]);
  });
});

describe('getFlowFailures', () => {
  it('lists the failing runs of a flow with their deal and recovery, newest first, paginated', async () => {
    const page1 = await getFlowFailures(store, { flow_source: 'psa', flow_target: 'erp', limit: 3 });
    expect(page1.total).toBe(4);
    expect(page1.items.map((i) => [i.at.slice(11, 16), i.record, i.status, i.attempt, i.recovered_at?.slice(11, 16) ?? null])).toEqual([
      ['13:00', 'psa:milestone:MS-1', 'ERP_LOCKED', 1, '13:10'],
      ['12:00', 'psa:milestone:MS-3', 'VALIDATION', 1, null],
      ['10:05', 'psa:milestone:MS-1', 'ERP_TIMEOUT', 2, '10:20'],
    ]);
    expect(page1.items[0].correlation_id).toBe('crm:opportunity:OPP-1');
    expect(page1.items[1]).toMatchObject({ correlation_id: 'crm:opportunity:OPP-3', dead_letter: true, origin: 'event' });
    expect(page1.next_cursor).not.toBeNull();
    const page2 = await getFlowFailures(store, { flow_source: 'psa', flow_target: 'erp', limit: 3, cursor: page1.next_cursor! });
    expect(page2.items.map((i) => [i.at.slice(11, 16), i.trace_id])).toEqual([['10:00', traceId(1)]]);
    expect(page2.next_cursor).toBeNull();
  });

  it('keeps only open failures on request and includes span-only failures', async () => {
    const open = await getFlowFailures(store, { flow_source: 'psa', flow_target: 'erp', status: 'open' });
    expect(open.items.map((i) => i.record)).toEqual(['psa:milestone:MS-3']);
    const crm = await getFlowFailures(store, { flow_source: 'crm', flow_target: 'erp' });
    expect(crm.items).toHaveLength(1);
    expect(crm.items[0]).toMatchObject({ origin: 'span', trace_id: traceId(6), status: 'HTTP 503', record: 'crm:opportunity:OPP-1', recovered_at: '2026-03-02T15:05:00.000Z' });
  });
});
