// getDeals: the deals list. Reads deal_summary only (one row per deal after merges),
// searched by any key users know (deal_keys, prefix on the sort key) or customer name,
// filtered by stage, path (a variant's deals: deal-path.ts) and the shared filters, newest
// activity first, keyset-paginated; with how many records of each deal of the page sit on
// a stuck queue (overdueCounts).

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { join, param, sql, type Sql } from '../clickhouse/sql';
import type { DealsQuery, DealsResponse } from '../contracts/deals';
import { decodeCursor, encodeCursor } from './cursor';
import { dealHaving, timeWindow } from './filters';
import { STAGE_EXPR, dealRowSchema, dealRowsSql } from './deal-rows';
import { overdueCounts } from './get-deal-open-items';
import { DEAL_PATH_EXPR } from './deal-path';

const cursorSchema = z.tuple([z.string().datetime(), z.string().max(300)]);

/**
 * Deals that have a key starting with `q` or a customer containing it. A bare id
 * (INV-20417) is a prefix range on deal_keys' sort key; a full key (erp:invoice:INV-…)
 * narrows on its id part first. Typed lower-case ids also match upper-case ones.
 */
export function searchCondition(q: string): Sql {
  const parts = q.split(':');
  const keyMatch =
    parts.length >= 3 && parts[2] !== ''
      ? sql`startsWith(entity_id, ${parts.slice(2).join(':')}) AND startsWith(entity_key, ${q})`
      : sql`startsWith(entity_id, ${q}) OR startsWith(entity_id, ${q.toUpperCase()})`;
  return sql`(correlation_id IN (SELECT correlation_id FROM deal_keys WHERE ${keyMatch})
    OR correlation_id IN (SELECT correlation_id FROM deal_summary WHERE customer != '' AND positionCaseInsensitiveUTF8(customer, ${q}) > 0))`;
}

/**
 * Two steps in one query: pick the page's deals reading only the columns the filters and
 * the sort need, then aggregate every column for those deals alone (a primary-key IN).
 */
export async function getDeals(store: Store, query: DealsQuery): Promise<DealsResponse> {
  const where: Sql[] = [sql`correlation_id != ''`];
  if (query.q) where.push(searchCondition(query.q));
  // A deal is in the date window when it was active in it: last event after `from`, first before `to`.
  const having: Sql[] = [
    dealHaving(query),
    timeWindow({ from: query.from }, sql`max(last_at)`),
    timeWindow({ to: query.to }, sql`min(first_at)`),
  ];
  if (query.stage) having.push(sql`${STAGE_EXPR} = ${query.stage}`);
  if (query.path) having.push(sql`${DEAL_PATH_EXPR} = ${param('Array(String)', query.path)}`);
  if (query.cursor) {
    const [lastAt, id] = decodeCursor(query.cursor, cursorSchema);
    having.push(sql`(max(last_at), correlation_id) < (${param("DateTime64(3, 'UTC')", lastAt)}, ${id})`);
  }
  const page = sql`SELECT correlation_id FROM deal_summary
    WHERE ${join(where, ' AND ')}
    GROUP BY correlation_id
    HAVING ${join(having, ' AND ')}
    ORDER BY max(last_at) DESC, correlation_id DESC
    LIMIT ${query.limit + 1}`;
  const rows = await store.query(
    dealRowsSql({ where: sql`correlation_id IN (${page})`, having: sql`1`, orderLimit: sql`ORDER BY d_last_at DESC, correlation_id DESC` }),
    dealRowSchema,
  );
  const shown = rows.slice(0, query.limit);
  const last = shown[shown.length - 1];
  const overdue = await overdueCounts(store, shown.map((d) => d.correlation_id));
  return {
    deals: shown,
    overdue: Object.fromEntries(overdue),
    next_cursor: rows.length > query.limit && last ? encodeCursor([last.last_at, last.correlation_id]) : null,
  };
}
