// Two result shapes over one expensive row set in one statement: the rows are a
// materialized CTE (computed once), each shape is serialised per row as JSON and parsed
// back with its own schema. Views that need both aggregates and a page of the same records
// (SLA breaches, leakage) measured about twice as fast this way as with two queries.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql, type Sql } from '../clickhouse/sql';

/**
 * `base` is a subquery; `first` and `second` are SELECTs reading the CTE named `base`
 * (each may carry its own ORDER BY / LIMIT / SETTINGS; their row order is kept).
 */
export async function queryTwoShapes<A, B>(
  store: Store,
  base: Sql,
  first: { sql: Sql; schema: z.ZodType<A> },
  second: { sql: Sql; schema: z.ZodType<B> },
): Promise<[A[], B[]]> {
  const rows = await store.query(
    sql`WITH base AS MATERIALIZED (SELECT * FROM ${base})
      SELECT part, seq, row FROM (
        SELECT 0 AS part, rowNumberInAllBlocks() AS seq, formatRowNoNewline('JSONEachRow', *) AS row FROM (${first.sql})
        UNION ALL
        SELECT 1 AS part, rowNumberInAllBlocks() AS seq, formatRowNoNewline('JSONEachRow', *) AS row FROM (${second.sql}))
      ORDER BY part, seq
      SETTINGS enable_materialized_cte = 1`,
    z.object({ part: z.number(), seq: z.union([z.number(), z.string()]), row: z.string() }),
  );
  const a: A[] = [];
  const b: B[] = [];
  for (const r of rows) {
    if (r.part === 0) a.push(first.schema.parse(JSON.parse(r.row)));
    else b.push(second.schema.parse(JSON.parse(r.row)));
  }
  return [a, b];
}
