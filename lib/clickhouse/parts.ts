// Independent SELECTs run as one query (runParts) or each on its own (runPart). One embedded
// chDB connection runs one statement at a time (two concurrent queries on it take as long as
// both in turn: sleep(0.2) ×2 = 409 ms); a store spreads its queries over a second connection
// when they overlap (lib/clickhouse/client.ts), but parts that each keep both cores busy gain
// nothing from running side by side. The branches of one query's UNION ALL run on all its
// threads, which pays where parts are small or share a CTE. On a ClickHouse server one query
// saves round trips.

import { z } from 'zod';
import type { Store } from './client';
import { sql, join, type Sql } from './sql';

/** One SELECT (no SETTINGS: the caller's apply to the whole query), its row schema, and what its rows become. */
export interface QueryPart<R, T> {
  sql: Sql;
  schema: z.ZodType<R>;
  then: (rows: R[]) => T;
}

/** Infers a part's row and result types at its definition. */
export const queryPart = <R, T>(p: QueryPart<R, T>): QueryPart<R, T> => p;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each part's own row type
type Parts = Record<string, QueryPart<any, unknown>>;
type Results<P extends Parts> = { [K in keyof P]: ReturnType<P[K]['then']> };

const rowSchema = z.object({ part: z.string(), row: z.string() });

/**
 * Runs the parts in one query: UNION ALL of each part's rows, each row as one JSON object
 * (formatRowNoNewline), parsed with its part's schema, in the order its SELECT returns them.
 * `with`: CTEs the parts share (e.g. `records AS MATERIALIZED (…)`, computed once);
 * `settings`: a SETTINGS clause for the whole query.
 */
export async function runParts<P extends Parts>(store: Store, parts: P, o: { with?: Sql; settings?: Sql } = {}): Promise<Results<P>> {
  const names = Object.keys(parts);
  const branches = names.map(
    (n) => sql`SELECT ${n} AS part, rowNumberInAllBlocks() AS i, formatRowNoNewline('JSONEachRow', *) AS row FROM (${parts[n].sql})`,
  );
  const rows = await store.query(
    sql`${o.with ? sql`WITH ${o.with}` : sql``} SELECT part, row FROM (${join(branches, ' UNION ALL ')}) ORDER BY part, i ${o.settings ?? sql``}`,
    rowSchema,
  );
  const out: Record<string, unknown> = {};
  for (const n of names) out[n] = parts[n].then(rows.filter((r) => r.part === n).map((r) => parts[n].schema.parse(JSON.parse(r.row))));
  return out as Results<P>;
}

/**
 * One part on its own (no JSON round trip). Parts that each keep the engine's threads busy
 * gain little from one UNION ALL: getKpis runs its aggregates with DSO as one query and the
 * cohort as another, side by side (an embedded store spreads overlapping queries over its
 * connections, lib/clickhouse/client.ts).
 */
export async function runPart<R, T>(store: Store, p: QueryPart<R, T>, o: { settings?: Sql } = {}): Promise<T> {
  return p.then(await store.query(sql`${p.sql} ${o.settings ?? sql``}`, p.schema));
}
