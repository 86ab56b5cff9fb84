// The traces of one deal, so the deal page links to its waterfalls: traces whose spans
// carry the deal's correlation ID, and traces named by the deal's canonical events
// (sync events stamped by middleware) even when their spans do not carry the ID.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { SPAN_ERROR_CODES } from './flow-runs';
import { chIso, chIsoOrNull, chNum, chNumOrNull } from './ch-columns';

export const dealTracesParamsSchema = z.object({ correlation_id: z.string().min(1).max(300) });
export type DealTracesParams = z.infer<typeof dealTracesParamsSchema>;

export const dealTraceRowSchema = z.object({
  trace_id: z.string(),
  started_at: chIsoOrNull,
  duration_ms: chNumOrNull,
  spans: chNum,
  error_spans: chNum,
  root_name: z.string(),
  flows: z.array(z.string()),
  events: chNum,
  event_types: z.array(z.string()),
});
export type DealTraceRow = z.infer<typeof dealTraceRowSchema>;

const spanSide = z.object({
  trace_id: z.string(),
  started_at: chIso,
  duration_ms: chNum,
  spans: chNum,
  error_spans: chNum,
  root_name: z.string(),
  flows: z.array(z.string()),
});
const eventSide = z.object({ trace_id: z.string(), first_at: chIso, events: chNum, event_types: z.array(z.string()) });

export async function getDealTraces(store: Store, params: DealTracesParams): Promise<DealTraceRow[]> {
  const { correlation_id } = dealTracesParamsSchema.parse(params);
  const eventTraces = sql`SELECT DISTINCT trace_id FROM events WHERE correlation_id = ${correlation_id} AND trace_id != ''`;
  const [spanRows, eventRows] = await Promise.all([
    store.query(
      sql`SELECT trace_id, min(start_time) AS started_at,
            (max(toUnixTimestamp64Nano(end_time)) - min(toUnixTimestamp64Nano(start_time))) / 1e6 AS duration_ms,
            count() AS spans, countIf(status_code IN ${SPAN_ERROR_CODES}) AS error_spans,
            argMin(name, start_time) AS root_name,
            arraySort(groupUniqArrayIf(concat(flow_source, ' → ', flow_target), flow_source != '')) AS flows
          FROM spans
          WHERE correlation_id = ${correlation_id} OR trace_id IN (${eventTraces})
          GROUP BY trace_id`,
      spanSide,
    ),
    store.query(
      sql`SELECT trace_id, min(occurred_at) AS first_at, count() AS events, arraySort(groupUniqArray(toString(type))) AS event_types
          FROM events WHERE correlation_id = ${correlation_id} AND trace_id != ''
          GROUP BY trace_id`,
      eventSide,
    ),
  ]);
  const byEvents = new Map(eventRows.map((e) => [e.trace_id, e]));
  const rows: DealTraceRow[] = spanRows.map((s) => {
    const e = byEvents.get(s.trace_id);
    byEvents.delete(s.trace_id);
    return { ...s, events: e?.events ?? 0, event_types: e?.event_types ?? [] };
  });
  for (const e of byEvents.values()) {
    rows.push({ trace_id: e.trace_id, started_at: e.first_at, duration_ms: null, spans: 0, error_spans: 0, root_name: '', flows: [], events: e.events, event_types: e.event_types });
  }
  return rows.sort((a, b) => (b.started_at ?? '').localeCompare(a.started_at ?? '') || a.trace_id.localeCompare(b.trace_id));
}
