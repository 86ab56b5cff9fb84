// resolveKey: which deal holds an entity key (source:entity_type:id)? A point lookup on
// deal_keys' sort key (entity_id first). Null when no deal has it (orphans have no deal).

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { parseEntityKey } from '../events/entity-key';

const rowSchema = z.object({ correlation_id: z.string() });

export async function resolveKey(store: Store, key: string): Promise<string | null> {
  const parsed = parseEntityKey(key);
  if (!parsed) return null;
  const rows = await store.query(
    sql`SELECT correlation_id FROM deal_keys
      WHERE entity_id = ${parsed.entity_id} AND entity_key = ${key} AND correlation_id != ''
      ORDER BY correlation_id LIMIT 1`,
    rowSchema,
  );
  return rows[0]?.correlation_id ?? null;
}
