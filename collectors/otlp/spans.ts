// Normalised OTLP spans ▶ rows of the `spans` table (JSONEachRow), with the checks that
// decide partial success: a span without a valid trace id, span id or start time is
// rejected and counted; the rest are stored. The correlation id and the flow come from
// configured attributes (span first, then resource).

import type { AttrValue, OtlpSpan } from './decode';
import { KIND_NAMES, STATUS_NAMES } from './decode';

export interface SpanAttributeNames {
  correlation: string;
  flowSource: string;
  flowTarget: string;
}

/** DateTime64(9) text from unix nanoseconds. */
export function nanosToCh(ns: bigint): string {
  const secs = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(secs) * 1000).toISOString().slice(0, 19).replace('T', ' ')}.${frac}`;
}

const text = (v: AttrValue | undefined): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function flat(attrs: Record<string, AttrValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) out[k] = text(v).slice(0, 4096);
  return out;
}

const VALID_TRACE = /^[0-9a-f]{32}$/;
const VALID_SPAN = /^[0-9a-f]{16}$/;
const MIN_NS = 946_684_800n * 1_000_000_000n; // 2000-01-01
const MAX_NS = 4_102_444_800n * 1_000_000_000n; // 2100-01-01

export function spanProblem(s: OtlpSpan): string | null {
  if (!VALID_TRACE.test(s.traceId) || /^0+$/.test(s.traceId)) return 'invalid trace id';
  if (!VALID_SPAN.test(s.spanId) || /^0+$/.test(s.spanId)) return 'invalid span id';
  if (s.parentSpanId && !VALID_SPAN.test(s.parentSpanId)) return 'invalid parent span id';
  if (s.startNs < MIN_NS || s.startNs > MAX_NS) return 'start time missing or out of range';
  return null;
}

export function toSpanRows(spans: OtlpSpan[], names: SpanAttributeNames): { lines: string[]; rejected: number; problems: string[] } {
  const lines: string[] = [];
  const problems = new Set<string>();
  let rejected = 0;
  for (const s of spans) {
    const problem = spanProblem(s);
    if (problem) {
      rejected++;
      problems.add(problem);
      continue;
    }
    const end = s.endNs >= s.startNs ? s.endNs : s.startNs;
    const pick = (k: string) => text(s.attributes[k] ?? s.resource[k]);
    lines.push(
      JSON.stringify({
        trace_id: s.traceId,
        span_id: s.spanId,
        parent_span_id: s.parentSpanId,
        name: s.name,
        kind: KIND_NAMES[s.kind] ?? 'UNSPECIFIED',
        service_name: text(s.resource['service.name']) || 'unknown_service',
        start_time: nanosToCh(s.startNs),
        end_time: nanosToCh(end),
        duration_ns: (end - s.startNs).toString(),
        status_code: STATUS_NAMES[s.statusCode] ?? 'UNSET',
        status_message: s.statusMessage,
        correlation_id: pick(names.correlation),
        flow_source: pick(names.flowSource),
        flow_target: pick(names.flowTarget),
        attributes: flat(s.attributes),
        resource_attributes: flat({ ...s.resource, ...(s.scope ? { 'otel.scope.name': s.scope } : {}) }),
        events: s.events.map((e) => ({ time: nanosToCh(e.timeNs >= MIN_NS ? e.timeNs : s.startNs), name: e.name, attributes: flat(e.attributes) })),
      }),
    );
  }
  return { lines, rejected, problems: [...problems] };
}
