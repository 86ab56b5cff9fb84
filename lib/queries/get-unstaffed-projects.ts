// PMO: provisioned projects that nobody is staffed on yet (no resource.assigned within
// 2 business days of provisioning), biggest contract first.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { clockReader } from '../clocks/read';
import { UNSTAFFED_QUEUE, UNSTAFFED_SPEC } from '../stuck/unstaffed';
import { unstaffedProjectSchema, type UnstaffedResponse } from '../contracts/pmo';
import { getExceptionStates, itemState, workScope, type ExceptionStateFilter } from './exception-states';
import { assigneeFilterParam, stateFilterParam } from '../contracts/actions';
import { filtersSchema, nowParam, type Filters } from './filters';
import { num, queryNow } from './row-types';
import { keysetCursorParam, keysetPage, keysetPageSql, pageKeyColumn, type SortKey } from './page';
import { searchCondition } from './get-stuck-items';

/** GET /api/pmo/unstaffed's parameters (also the PMO page's server-side first data). */
export const unstaffedQuerySchema = filtersSchema.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  /** The previous page's `next_cursor` (keyset: the page after that page's last project). */
  cursor: keysetCursorParam.optional(),
  /** Customer or project key containing it (any case), or the deal's ID: as the queues' search box. */
  q: z.string().trim().max(200).optional(),
  /** Projects assigned to this username, or `-` for those assigned to nobody. */
  assignee: assigneeFilterParam.optional(),
  /** active (needs work), snoozed or resolved projects only. */
  state: stateFilterParam.optional(),
  now: nowParam().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

/** Biggest contract first; the project and its deal order projects of one value. */
const UNSTAFFED_SORT: readonly SortKey[] = [
  { col: sql`value`, dir: 'DESC', type: 'Float64' },
  { col: sql`entity_key`, dir: 'ASC', type: 'String' },
  { col: sql`correlation_id`, dir: 'ASC', type: 'String' },
];

export async function getUnstaffedProjects(store: Store, params: Filters & { now?: string; limit?: number; cursor?: string; q?: string; assignee?: string; state?: ExceptionStateFilter }): Promise<UnstaffedResponse> {
  const now = queryNow(params.now);
  const scope = await workScope(store, params, [`${UNSTAFFED_QUEUE}:`], now);
  if (scope.none) return { total: 0, next_cursor: null, items: [] };
  const { clocks } = await clockReader(store);
  const limit = params.limit ?? 50;
  const rows = await store.query(
    sql`${keysetPageSql(
      sql`SELECT entity_key, correlation_id, customer, anchor_at AS since, late_hours, amount, currency, value, count() OVER () AS total
        FROM ${clocks([{ spec: UNSTAFFED_SPEC }], { filters: params, now, records: scope.records })} WHERE is_open = 1 AND late_hours > 0 AND ${searchCondition(params.q)}
          AND ${scope.on(sql`concat(${`${UNSTAFFED_QUEUE}:`}, entity_key)`)}`,
      { sort: UNSTAFFED_SORT, key: sql`correlation_id, entity_key`, limit, cursor: params.cursor },
    )} SETTINGS enable_materialized_cte = 1`,
    unstaffedProjectSchema.extend({ total: num, ...pageKeyColumn }),
  );
  // A page after every project left (the list shrank while someone paged) still says how many there are.
  if (rows.length === 0 && params.cursor) return { ...(await getUnstaffedProjects(store, { ...params, cursor: undefined, limit: 1 })), items: [], next_cursor: null };
  const page = keysetPage(rows, limit);
  const id = (entityKey: string) => `${UNSTAFFED_QUEUE}:${entityKey}`;
  const states = await getExceptionStates(store, page.items.map((r) => id(r.entity_key)), now);
  return {
    total: rows[0]?.total ?? 0,
    next_cursor: page.next_cursor,
    items: page.items.map(({ total: _t, ...r }) => ({ ...r, id: id(r.entity_key), rule: UNSTAFFED_QUEUE, ...itemState(states.get(id(r.entity_key))) })),
  };
}
