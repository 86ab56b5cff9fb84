// One trace: its spans (the waterfall, from the OTLP `spans` table) with offsets from the
// trace start, the canonical events that carry the trace ID, and the deal it belongs to
// (the spans' correlation ID, else the events'). Null when the trace ID is unknown.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { SPAN_ERROR_CODES } from './flow-runs';
import { chBool, chIso, chNum, chNumOrNull } from './ch-columns';

export const traceIdSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits')
  .transform((s) => s.toLowerCase());

export const traceParamsSchema = z.object({ trace_id: traceIdSchema });
export type TraceParams = z.input<typeof traceParamsSchema>;

const spanEventSchema = z
  .union([z.object({ time: z.string(), name: z.string(), attributes: z.record(z.string(), z.string()) }), z.tuple([z.string(), z.string(), z.record(z.string(), z.string())])])
  .transform((e) => (Array.isArray(e) ? { time: e[0], name: e[1], attributes: e[2] } : e))
  .transform((e) => ({ ...e, time: chIso.parse(e.time) }));

export const traceSpanSchema = z.object({
  span_id: z.string(),
  parent_span_id: z.string(),
  name: z.string(),
  kind: z.string(),
  service_name: z.string(),
  start_time: chIso,
  /** Milliseconds from the trace's first span start (sub-millisecond precision kept). */
  offset_ms: chNum,
  duration_ms: chNum,
  status_code: z.string(),
  status_message: z.string(),
  error: chBool,
  correlation_id: z.string(),
  flow_source: z.string(),
  flow_target: z.string(),
  attributes: z.record(z.string(), z.string()),
  resource_attributes: z.record(z.string(), z.string()),
  events: z.array(spanEventSchema),
});
export type TraceSpan = z.infer<typeof traceSpanSchema>;

export const traceEventSchema = z.object({
  event_id: z.string(),
  type: z.string(),
  source: z.string(),
  occurred_at: chIso,
  entity_key: z.string(),
  correlation_id: z.string(),
  status: z.string(),
  span_id: z.string(),
  amount: chNumOrNull,
  currency: z.string(),
});
export type TraceEvent = z.infer<typeof traceEventSchema>;

export interface Trace {
  trace_id: string;
  correlation_id: string | null;
  started_at: string | null;
  duration_ms: number;
  services: string[];
  error_spans: number;
  spans: TraceSpan[];
  events: TraceEvent[];
}

export async function getTrace(store: Store, params: TraceParams): Promise<Trace | null> {
  const { trace_id } = traceParamsSchema.parse(params);
  const [spans, events] = await Promise.all([
    store.query(
      sql`SELECT span_id, parent_span_id, name, kind, service_name, start_time,
            (toUnixTimestamp64Nano(start_time) - min(toUnixTimestamp64Nano(start_time)) OVER ()) / 1e6 AS offset_ms,
            duration_ns / 1e6 AS duration_ms, status_code, status_message,
            status_code IN ${SPAN_ERROR_CODES} AS error,
            correlation_id, flow_source, flow_target, attributes, resource_attributes, events
          FROM spans WHERE trace_id = ${trace_id}
          ORDER BY start_time, span_id`,
      traceSpanSchema,
    ),
    store.query(
      sql`SELECT event_id, type, source, occurred_at, entity_key, correlation_id, status, span_id, amount, currency
          FROM events WHERE trace_id = ${trace_id}
          ORDER BY occurred_at, event_id`,
      traceEventSchema,
    ),
  ]);
  if (spans.length === 0 && events.length === 0) return null;
  const correlation =
    spans.find((s) => s.correlation_id !== '')?.correlation_id ?? events.find((e) => e.correlation_id !== '')?.correlation_id ?? null;
  const end = spans.reduce((m, s) => Math.max(m, s.offset_ms + s.duration_ms), 0);
  return {
    trace_id,
    correlation_id: correlation,
    started_at: spans[0]?.start_time ?? events[0]?.occurred_at ?? null,
    duration_ms: end,
    services: [...new Set(spans.map((s) => s.service_name))],
    error_spans: spans.filter((s) => s.error).length,
    spans,
    events,
  };
}
