// Request and response shapes of the integrations API (GET /api/flows, /api/flows/failures,
// /api/dead-letters, /api/dead-letters/{id}, /api/orphans, /api/traces, /api/traces/{id},
// /api/ingest-health), shared by the route handlers and the react-query hooks.
// Parameter schemas are the queries' own; `format=csv` is added where a table is returned.

import { z } from 'zod';
import { flowsParamsSchema, type FlowRow, type FlowsResult, type FlowTrendRow } from '../queries/get-flows';
import { flowFailuresParamsSchema, type FlowFailureRow, type FlowFailuresResult } from '../queries/get-flow-failures';
import { deadLettersParamsSchema, type DeadLetterRow, type DeadLettersResult } from '../queries/get-dead-letters';
import type { DeadLetter } from '../queries/get-dead-letter';
import { orphansParamsSchema, type OrphanRow, type OrphansResult } from '../queries/get-orphans';
import { dealTracesParamsSchema, type DealTraceRow } from '../queries/get-deal-traces';
import type { Trace, TraceEvent, TraceSpan } from '../queries/get-trace';
import { ingestHealthParamsSchema, type IngestHealth } from '../queries/get-ingest-health';
import type { IngestProcessStats } from '../observability/ingest-stats';
import type { DependencyChecks } from '../observability/dependencies';

const format = { format: z.enum(['json', 'csv']).default('json') };

export const flowsQuerySchema = flowsParamsSchema.extend(format);
export const flowFailuresQuerySchema = flowFailuresParamsSchema.extend(format);
export const deadLettersQuerySchema = deadLettersParamsSchema.extend(format);
export const orphansQuerySchema = orphansParamsSchema.extend(format);
export const dealTracesQuerySchema = dealTracesParamsSchema.extend(format);
export const ingestHealthQuerySchema = ingestHealthParamsSchema;

/** CSV columns per table, in the order of the on-screen tables. */
export const FLOW_CSV_COLUMNS = [
  'flow_source', 'flow_target', 'runs', 'failures', 'error_rate', 'retries', 'dead_letters', 'records',
  'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms', 'failure_episodes', 'recovered', 'open_failures',
  'ttr_p50_s', 'ttr_mean_s', 'ttr_max_s', 'last_run_at', 'last_failure_at',
] as const satisfies readonly (keyof FlowRow)[];
export const FLOW_FAILURE_CSV_COLUMNS = [
  'at', 'record', 'correlation_id', 'status', 'attempt', 'dead_letter', 'recovered_at', 'trace_id', 'origin', 'run_id',
] as const satisfies readonly (keyof FlowFailureRow)[];
export const DEAD_LETTER_CSV_COLUMNS = [
  'received_at', 'collector', 'reason', 'errors', 'event_id', 'stored', 'content_type', 'raw_bytes', 'raw_preview', 'id',
] as const satisfies readonly (keyof DeadLetterRow)[];
export const ORPHAN_CSV_COLUMNS = [
  'received_at', 'age_s', 'source', 'type', 'entity_key', 'refs', 'waiting_for', 'dead_lettered', 'occurred_at', 'event_id',
] as const satisfies readonly (keyof OrphanRow)[];
export const DEAL_TRACE_CSV_COLUMNS = [
  'trace_id', 'started_at', 'duration_ms', 'spans', 'error_spans', 'root_name', 'flows', 'events', 'event_types',
] as const satisfies readonly (keyof DealTraceRow)[];

export type FlowsResponse = FlowsResult;
export type FlowFailuresResponse = FlowFailuresResult;
export type DeadLettersResponse = DeadLettersResult;
export type DeadLetterResponse = DeadLetter;
export type OrphansResponse = OrphansResult;
export type DealTracesResponse = { correlation_id: string; traces: DealTraceRow[] };
export type TraceResponse = Trace;
export type IngestHealthResponse = IngestHealth & { process: IngestProcessStats; dependencies: DependencyChecks };

export type { FlowRow, FlowTrendRow, FlowFailureRow, DeadLetterRow, OrphanRow, DealTraceRow, TraceSpan, TraceEvent, IngestProcessStats };
