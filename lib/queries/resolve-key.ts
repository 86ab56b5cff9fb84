// resolveKey: which deal holds an entity key (source:entity_type:id)? A point lookup on
// deal_keys' sort key (entity_id first). Null when no deal has it (orphans have no deal).
// resolveKeys: the same for several keys in one read. dealsOfRecordId: which deals hold a
// record of that bare ID (OPP-101081, INV-20417), whatever its system and type.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { parseEntityKey } from '../events/entity-key';
import type { ResolveCandidate } from '../contracts/deals';

const rowSchema = z.object({ entity_key: z.string(), deal: z.string() });

/** The deal of each of `keys` a deal has (keys that are no entity key, or no deal's, are absent). */
export async function resolveKeys(store: Store, keys: readonly string[]): Promise<Map<string, string>> {
  const parsed = [...new Set(keys)].flatMap((k) => {
    const p = parseEntityKey(k);
    return p ? [{ key: k, id: p.entity_id }] : [];
  });
  if (parsed.length === 0) return new Map();
  const valid = parsed.map((p) => p.key);
  const ids = [...new Set(parsed.map((p) => p.id))];
  const rows = await store.query(
    sql`SELECT entity_key, min(correlation_id) AS deal FROM deal_keys
      WHERE entity_id IN ${ids} AND entity_key IN ${valid} AND correlation_id != ''
      GROUP BY entity_key`,
    rowSchema,
  );
  return new Map(rows.map((r) => [r.entity_key, r.deal]));
}

export async function resolveKey(store: Store, key: string): Promise<string | null> {
  return (await resolveKeys(store, [key])).get(key) ?? null;
}

const recordRowSchema = z.object({ deal: z.string(), key: z.string() });

/**
 * The deals holding a record whose ID is `id` (as typed, or upper-case: "inv-20417"), in any
 * system and of any type, each with one such key; at most `limit`, by correlation ID. A
 * point lookup on deal_keys' sort key (entity_id first).
 */
export async function dealsOfRecordId(store: Store, id: string, limit: number): Promise<ResolveCandidate[]> {
  const ids = [...new Set([id, id.toUpperCase()])];
  const rows = await store.query(
    sql`SELECT correlation_id AS deal, min(entity_key) AS key FROM deal_keys
      WHERE entity_id IN ${ids} AND correlation_id != ''
      GROUP BY correlation_id ORDER BY correlation_id LIMIT ${limit}`,
    recordRowSchema,
  );
  return rows.map((r) => ({ correlation_id: r.deal, key: r.key }));
}

/**
 * The deals an address names that is a record's key (erp:invoice:INV-1: its one deal) or bare
 * ID (INV-1, any case: each deal holding a record of that ID, with its key; at most `limit`)
 * rather than a deal's correlation ID. Empty when none does.
 */
export async function dealsOfRecord(store: Store, address: string, limit: number): Promise<ResolveCandidate[]> {
  if (!parseEntityKey(address)) return dealsOfRecordId(store, address, limit);
  const deal = await resolveKey(store, address);
  return deal ? [{ correlation_id: deal, key: address }] : [];
}
