// The SELECT of the materialized view that fills a table, as the schema holds it: code that
// must compute a derived table's rows itself (the torn-insert rollback, the clocks' refresh)
// reuses the view's own definition instead of a copy of it.

import { z } from 'zod';
import type { Store } from './client';
import { sql } from './sql';

/** The SELECT of the view that fills `table` (the schema's own text, not user input). */
export async function viewSelect(store: Store, table: string): Promise<string> {
  const rows = await store.query(
    sql`SELECT as_select FROM system.tables
        WHERE database = currentDatabase() AND engine = 'MaterializedView' AND match(create_table_query, ${`\\bTO\\s+\\S*\\b${table}\\b`})`,
    z.object({ as_select: z.string() }),
  );
  if (rows.length !== 1) throw new Error(`expected one materialized view filling ${table}, found ${rows.length}`);
  return rows[0].as_select;
}
