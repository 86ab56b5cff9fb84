// Personal API tokens: random 192-bit secrets shown once, stored as SHA-256, acting with
// the owner's role; created, rotated and revoked by admins.

import crypto from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { chTime } from '../ingest/rows';
import { apiTokenSchema } from '../contracts/auth';

export const tokenRowSchema = apiTokenSchema;
export type TokenRow = z.infer<typeof tokenRowSchema>;

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newTokenValue(): string {
  return `ct_pat_${crypto.randomBytes(24).toString('base64url')}`;
}

const cache = new Map<string, { at: number; row: (TokenRow & { token_hash: string }) | null }>();
const CACHE_MS = 3_000;
let seq = 0;

async function writeToken(store: Store, row: TokenRow & { token_hash: string }): Promise<void> {
  cache.clear();
  await store.insertJsonEachRow(
    'api_tokens',
    JSON.stringify({
      ...row,
      created_at: chTime(row.created_at),
      revoked_at: row.revoked_at ? chTime(row.revoked_at) : null,
      version: Date.now() * 1000 + (seq++ % 1000),
    }),
  );
}

export async function listTokens(store: Store): Promise<TokenRow[]> {
  return store.query(sql`SELECT * EXCEPT (version, token_hash) FROM api_tokens FINAL ORDER BY created_at DESC`, tokenRowSchema);
}

/** The active token with this value, or null. */
export async function findToken(store: Store, token: string): Promise<TokenRow | null> {
  const h = hashToken(token);
  const hit = cache.get(h);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.row;
  const rows = await store.query(
    sql`SELECT * EXCEPT (version) FROM api_tokens FINAL WHERE token_hash = ${h} AND revoked_at IS NULL LIMIT 1`,
    tokenRowSchema.extend({ token_hash: z.string() }),
  );
  const row = rows[0] ?? null;
  cache.set(h, { at: Date.now(), row });
  return row;
}

/** Creates a token for `userId`; the value is returned once and never stored. */
export async function createToken(
  store: Store,
  input: { user_id: string; name: string; created_by: string; value?: string; id?: string },
): Promise<{ token: string; row: TokenRow }> {
  const token = input.value ?? newTokenValue();
  const row = {
    id: input.id ?? `tok_${crypto.randomBytes(8).toString('hex')}`,
    user_id: input.user_id,
    name: input.name,
    prefix: token.slice(0, 11),
    created_at: new Date().toISOString(),
    created_by: input.created_by,
    revoked_at: null,
    token_hash: hashToken(token),
  };
  await writeToken(store, row);
  const { token_hash: _h, ...pub } = row;
  return { token, row: pub };
}

async function getTokenRow(store: Store, id: string) {
  const rows = await store.query(sql`SELECT * EXCEPT (version) FROM api_tokens FINAL WHERE id = ${id}`, tokenRowSchema.extend({ token_hash: z.string() }));
  return rows[0] ?? null;
}

export async function revokeToken(store: Store, id: string): Promise<TokenRow | null> {
  const cur = await getTokenRow(store, id);
  if (!cur) return null;
  if (!cur.revoked_at) await writeToken(store, { ...cur, revoked_at: new Date().toISOString() });
  const { token_hash: _h, ...pub } = cur;
  return { ...pub, revoked_at: cur.revoked_at ?? new Date().toISOString() };
}

/** Rotation: the old value stops working, a new value (shown once) replaces it under the same id. */
export async function rotateToken(store: Store, id: string): Promise<{ token: string; row: TokenRow } | null> {
  const cur = await getTokenRow(store, id);
  if (!cur || cur.revoked_at) return null;
  const token = newTokenValue();
  const row = { ...cur, token_hash: hashToken(token), prefix: token.slice(0, 11), created_at: new Date().toISOString() };
  await writeToken(store, row);
  const { token_hash: _h, ...pub } = row;
  return { token, row: pub };
}
