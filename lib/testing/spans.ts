// Test helper: rows of the `spans` table (as the /v1/traces collector stores them),
// serialised for store.insertJsonEachRow('spans', …).

import { chTime } from '../ingest/rows';

export interface SpanInput {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name?: string;
  kind?: string;
  service_name?: string;
  /** ISO start time and duration in milliseconds. */
  start: string;
  duration_ms: number;
  status_code?: string;
  status_message?: string;
  correlation_id?: string;
  flow_source?: string;
  flow_target?: string;
  attributes?: Record<string, string>;
}

export function spanLine(s: SpanInput): string {
  const start = new Date(s.start);
  const end = new Date(start.getTime() + s.duration_ms);
  return JSON.stringify({
    trace_id: s.trace_id,
    span_id: s.span_id,
    parent_span_id: s.parent_span_id ?? '',
    name: s.name ?? 'sync',
    kind: s.kind ?? 'SPAN_KIND_INTERNAL',
    service_name: s.service_name ?? 'middleware',
    start_time: chTime(start.toISOString()),
    end_time: chTime(end.toISOString()),
    duration_ns: Math.round(s.duration_ms * 1e6),
    status_code: s.status_code ?? 'STATUS_CODE_OK',
    status_message: s.status_message ?? '',
    correlation_id: s.correlation_id ?? '',
    flow_source: s.flow_source ?? '',
    flow_target: s.flow_target ?? '',
    attributes: s.attributes ?? {},
    resource_attributes: { 'service.name': s.service_name ?? 'middleware' },
    events: [],
  });
}

export function spanLines(spans: SpanInput[]): string {
  return spans.map(spanLine).join('\n');
}

/** A 32-hex trace id / 16-hex span id from a small number (readable fixtures). */
export const traceId = (n: number) => n.toString(16).padStart(32, '0');
export const spanId = (n: number) => n.toString(16).padStart(16, '0');
