// The failing runs of one integration flow, newest first: which record, which deal
// (for the deal link), the error, the attempt, the trace, and whether (and when) the
// same record later synced to the same target. Drill-down of the flow health table.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { filtersSchema } from './filters';
import { NO_JIT, runsWithRecoverySql, storedRunsSql } from './flow-runs';
import { flowRunSource } from '../clocks/flow-runs';
import { chBool, chNum, chIso, chIsoOrNull } from './ch-columns';
import { keysetPage, keysetPageSql, pageKeyColumn, pageSchema, type SortKey } from './page';

const flowName = z.string().min(1).max(100);

export const flowFailuresParamsSchema = filtersSchema.extend(pageSchema.shape).extend({
  flow_source: flowName,
  flow_target: flowName,
  /** `open`: only failures whose record has not synced since. */
  status: z.enum(['all', 'open']).default('all'),
});
export type FlowFailuresParams = z.input<typeof flowFailuresParamsSchema>;

export const flowFailureRowSchema = z.object({
  origin: z.enum(['event', 'span']),
  run_id: z.string(),
  at: chIso,
  record: z.string(),
  correlation_id: z.string(),
  status: z.string(),
  attempt: chNum,
  trace_id: z.string(),
  dead_letter: chBool,
  recovered_at: chIsoOrNull,
});
export type FlowFailureRow = z.infer<typeof flowFailureRowSchema>;

export interface FlowFailuresResult {
  flow_source: string;
  flow_target: string;
  total: number;
  items: FlowFailureRow[];
  next_cursor: string | null;
}

/** Newest first; a run is its origin and ID. */
const FAILURE_SORT: readonly SortKey[] = [
  { col: sql`at`, dir: 'DESC', type: 'DateTime64' },
  { col: sql`run_id`, dir: 'ASC', type: 'String' },
  { col: sql`origin`, dir: 'ASC', type: 'String' },
];

/** `live`: computed from the events, not the snapshot (tests compare the two). */
export async function getFlowFailures(store: Store, params: FlowFailuresParams, o: { live?: boolean } = {}): Promise<FlowFailuresResult> {
  const p = flowFailuresParamsSchema.parse(params);
  const flow = { flow_source: p.flow_source, flow_target: p.flow_target };
  const open = p.status === 'open' ? sql`AND recovered_at IS NULL` : sql``;
  const source = await flowRunSource(store, o.live);
  // The snapshot (sql/048) keeps a flow's failures together, with their recovery.
  const runs = source.snapshot ? storedRunsSql(p, flow, source) : runsWithRecoverySql(p, flow);
  const rows = await store.query(
    sql`${keysetPageSql(
      sql`SELECT origin, run_id, at, record, correlation_id, status, attempt, trace_id, dead_letter, recovered_at,
          count() OVER () AS total
        FROM (${runs})
        WHERE failed ${open}`,
      { sort: FAILURE_SORT, key: sql`origin, run_id`, limit: p.limit, cursor: p.cursor },
    )} ${source.snapshot ? NO_JIT : sql``}`,
    flowFailureRowSchema.extend({ total: chNum, ...pageKeyColumn }),
  );
  const { items, next_cursor } = keysetPage(rows, p.limit);
  return { ...flow, total: rows[0]?.total ?? 0, items: items.map(({ total: _t, ...r }) => r), next_cursor };
}
