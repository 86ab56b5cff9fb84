// Flow health's snapshot (sql/048, 049) against its definition: simulated deals (sync runs
// that fail, retry and recover) and hand-built edge cases (a redelivered failure, an outcome
// that arrives after a later one, a run whose request comes in a later batch, orphan runs)
// are ingested through the writer; getFlows and getFlowFailures read from the snapshot and
// its aggregates equal the same queries computed from the events, with time windows and deal
// filters, after more events arrive, after a merge moves a deal's events, and once spans
// report runs (a record synced both with events and with span-only runs).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { openTempStore } from '../testing/temp-store';
import { ev } from '../testing/events';
import { spanLines, spanId, traceId } from '../testing/spans';
import { IngestWriter } from '../ingest/writer';
import { benchEvents } from '../../bench/data';
import { getFlows, type FlowsParams } from '../queries/get-flows';
import { getFlowFailures } from '../queries/get-flow-failures';
import { builtClocks } from './build';
import { FLOW_RUNS_BUILD } from './flow-runs';

let store: Store;
let writer: IngestWriter;

const NOW = Date.parse('2026-06-01T00:00:00Z');

function sync(type: 'sync.requested' | 'sync.succeeded' | 'sync.failed', run: string, record: string, at: string, extra: { attempt?: number; trace?: number; flow?: [string, string] } = {}) {
  const [src, tgt] = extra.flow ?? ['psa', 'erp'];
  return ev({
    source: 'middleware',
    type,
    entity_type: 'sync',
    entity_id: run,
    refs: [record],
    occurred_at: at,
    status: type === 'sync.failed' ? 'TIMEOUT' : '',
    trace_id: extra.trace ? traceId(extra.trace) : '',
    attributes: { flow_source: src, flow_target: tgt, attempt: String(extra.attempt ?? 1) },
  });
}

const PARAMS: FlowsParams[] = [
  {},
  { from: '2026-03-02', to: '2026-03-02' },
  { from: '2026-03-02T10:30:00Z' },
  { to: '2026-03-01' },
  { region: 'EMEA' },
  { customer: 'Acme', bucket: 'hour' },
];

async function expectSnapshotMatches(): Promise<number> {
  expect((await builtClocks(store)).has(FLOW_RUNS_BUILD)).toBe(true);
  // The aggregates (sql/049) hold what flow_runs holds.
  const [agg] = await store.query<{ hours: string; runs: string; latency: string; pairs: string }>(
    sql`SELECT (SELECT sum(runs) FROM flow_hours) AS hours, (SELECT count() FROM flow_runs WHERE kind = 'run') AS runs,
      (SELECT sum(runs) FROM flow_latency) AS latency, (SELECT count() FROM flow_runs WHERE kind = 'latency') AS pairs`,
  );
  expect(Number(agg.hours)).toBe(Number(agg.runs));
  expect(Number(agg.latency)).toBe(Number(agg.pairs));
  let runs = 0;
  for (const p of PARAMS) {
    const live = await getFlows(store, p, { live: true });
    expect(await getFlows(store, p), JSON.stringify(p)).toEqual(live);
    runs += live.flows.reduce((s, f) => s + f.runs, 0);
    for (const flow of live.flows) {
      for (const status of ['all', 'open'] as const) {
        const q = { ...p, flow_source: flow.flow_source, flow_target: flow.flow_target, status, limit: 500 };
        const liveFailures = await getFlowFailures(store, q, { live: true });
        expect(await getFlowFailures(store, q), JSON.stringify(q)).toEqual(liveFailures);
      }
    }
  }
  return runs;
}

beforeAll(async () => {
  ({ store } = await openTempStore());
  writer = await IngestWriter.open(store);
  const simulated = [...benchEvents(6_000, 7, NOW, 120)].map((b) => b.event);
  for (let i = 0; i < simulated.length; i += 1_000) await writer.write(simulated.slice(i, i + 1_000));
  const fail = sync('sync.failed', 'RUN-A1', 'psa:milestone:MS-F1', '2026-03-02T10:00:00Z', { trace: 101 });
  await writer.write([
    ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-F1', occurred_at: '2026-03-01T09:00:00Z', attributes: { region: 'EMEA', customer: 'Acme' } }),
    ev({ source: 'psa', type: 'project.provisioned', entity_type: 'project', entity_id: 'PRJ-F1', refs: ['crm:opportunity:OPP-F1'], occurred_at: '2026-03-01T10:00:00Z' }),
    ev({ source: 'psa', type: 'milestone.completed', entity_type: 'milestone', entity_id: 'MS-F1', refs: ['psa:project:PRJ-F1'], occurred_at: '2026-03-02T08:00:00Z' }),
    sync('sync.requested', 'RUN-A1', 'psa:milestone:MS-F1', '2026-03-02T09:59:50Z'),
    fail,
    // A failure of a later run, before the success of the run in between arrives.
    sync('sync.failed', 'RUN-A3', 'psa:milestone:MS-F1', '2026-03-02T11:00:00Z', { attempt: 3 }),
    // An orphan record (never provisioned): its runs keep correlation_id ''.
    sync('sync.failed', 'RUN-G1', 'psa:milestone:GHOST', '2026-03-02T12:00:00Z'),
    sync('sync.requested', 'RUN-G2', 'psa:milestone:GHOST', '2026-03-02T12:30:00Z'),
  ]);
  await writer.write([
    fail, // redelivered: never counts twice
    sync('sync.succeeded', 'RUN-A2', 'psa:milestone:MS-F1', '2026-03-02T10:20:00Z', { attempt: 2 }),
    sync('sync.requested', 'RUN-A2', 'psa:milestone:MS-F1', '2026-03-02T10:19:00Z', { attempt: 2 }), // request after its outcome
    sync('sync.succeeded', 'RUN-A4', 'psa:milestone:MS-F1', '2026-03-02T11:00:00Z', { attempt: 4 }), // same instant as a failure
    sync('sync.succeeded', 'RUN-G2', 'psa:milestone:GHOST', '2026-03-02T12:31:00Z'),
  ]);
  await writer.settled();
}, 120_000);

afterAll(async () => {
  writer?.clocks.close();
  await store?.close();
});

describe('flow runs snapshot', () => {
  it('gives the flows and failures computed from the events, with windows and filters', async () => {
    expect(await expectSnapshotMatches()).toBeGreaterThan(100);
    const [{ n }] = await store.query<{ n: string }>(sql`SELECT count() AS n FROM flow_runs WHERE kind = 'run' AND failed`);
    expect(Number(n)).toBeGreaterThan(5);
  });

  it('stays equal after more events arrive and after a merge moves a deal', async () => {
    const more = [...benchEvents(2_000, 8, NOW, 120)].map((b) => b.event);
    await writer.write(more);
    await writer.write([
      sync('sync.failed', 'RUN-A5', 'psa:milestone:MS-F1', '2026-03-02T13:00:00Z', { attempt: 1 }),
      sync('sync.succeeded', 'RUN-G3', 'psa:milestone:GHOST', '2026-03-02T11:00:00Z'), // earlier than the orphan's failure
      // The deal's region changes (its dimensions are the max over its events): its runs leave the EMEA figures.
      ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-F1', occurred_at: '2026-03-03T09:00:00Z', attributes: { region: 'NORTH' } }),
    ]);
    await writer.settled();
    await expectSnapshotMatches();
    const [a, b] = await store.query<{ correlation_id: string }>(
      sql`SELECT DISTINCT correlation_id FROM flow_runs WHERE correlation_id != '' ORDER BY correlation_id LIMIT 2`,
    );
    await writer.merge(a.correlation_id, b.correlation_id, 'test', 'one deal');
    await writer.settled();
    await expectSnapshotMatches();
  });

  it('stays equal once spans report runs (read from the runs, not the aggregates)', async () => {
    // Spans: one traces RUN-A1 (its latency comes from the span), the others are runs known
    // only from spans on the same record and flow as event runs (recovery across origins).
    const flow = { flow_source: 'psa', flow_target: 'erp', attributes: { 'q2c.record': 'psa:milestone:MS-F1' } };
    await store.insertJsonEachRow(
      'spans',
      spanLines([
        { trace_id: traceId(101), span_id: spanId(1), start: '2026-03-02T10:00:00Z', duration_ms: 2000, status_code: 'STATUS_CODE_ERROR', ...flow },
        { trace_id: traceId(102), span_id: spanId(2), start: '2026-03-02T11:30:00Z', duration_ms: 700, status_code: 'STATUS_CODE_ERROR', ...flow },
        { trace_id: traceId(103), span_id: spanId(3), start: '2026-03-02T11:40:00Z', duration_ms: 300, ...flow },
      ]),
    );
    await expectSnapshotMatches();
  });

  it('lists each failed run once while a refresh holds two copies of a deal (insert before delete)', async () => {
    const { flows } = await getFlows(store, {});
    const flow = flows.find((f) => f.failures > 0)!;
    const q = { flow_source: flow.flow_source, flow_target: flow.flow_target, status: 'all' as const, limit: 500 };
    const before = (await getFlowFailures(store, q)).items.map((i) => `${i.origin}:${i.run_id}`);
    expect(before.length).toBeGreaterThan(0);
    const [{ v }] = await store.query<{ v: string }>(sql`SELECT toString(max(version)) AS v FROM flow_runs`);
    const copy = (BigInt(v) + 1n).toString();
    await store.command(sql`INSERT INTO flow_runs SELECT * REPLACE (${copy}::UInt64 AS version) FROM flow_runs`);
    try {
      expect((await getFlowFailures(store, q)).items.map((i) => `${i.origin}:${i.run_id}`)).toEqual(before);
    } finally {
      await store.command(sql`DELETE FROM flow_runs WHERE version = ${copy}::UInt64`);
    }
  });
});
