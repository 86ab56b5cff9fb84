// Ingest tokens managed by admins, besides the configured CASHTRACE_INGEST_TOKEN: created
// (shown once), rotated and revoked at /admin, optionally limited to one collector. The
// collectors check tokens synchronously, so this process keeps the active hashes in memory,
// reloaded after every change and every 15 s (changes made by another process).

import crypto from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { constantTimeEqual } from '../http/auth-token';
import { chTime } from '../ingest/rows';
import { chIso } from '../actions/exceptions';
import { hashToken } from './api-tokens';

export const ingestTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** '' = every collector, else the one collector it may send to (e.g. 'stripe', 'events'). */
  scope: z.string(),
  prefix: z.string(),
  created_at: chIso,
  created_by: z.string(),
  revoked_at: chIso.nullable(),
});
export type IngestToken = z.infer<typeof ingestTokenSchema>;

const active = new Map<string, string>();

/** The configured token, or an active admin-made one whose scope allows `collector`. */
export function ingestTokenValid(rt: { ingestToken: string }, token: string, collector?: string): boolean {
  if (constantTimeEqual(token, rt.ingestToken)) return true;
  const scope = active.get(hashToken(token));
  return scope !== undefined && (scope === '' || scope === collector);
}

export async function refreshIngestTokens(store: Store): Promise<void> {
  const rows = await store.query(
    sql`SELECT token_hash, scope FROM ingest_tokens FINAL WHERE revoked_at IS NULL`,
    z.object({ token_hash: z.string(), scope: z.string() }),
  );
  active.clear();
  for (const r of rows) active.set(r.token_hash, r.scope);
}

const refreshing = new WeakSet<Store>();
export function startIngestTokenRefresh(store: Store, intervalMs = 15_000): void {
  if (refreshing.has(store)) return;
  refreshing.add(store);
  const t = setInterval(() => refreshIngestTokens(store).catch((err) => console.error('[auth] ingest token refresh failed:', err)), intervalMs);
  t.unref?.();
}

let seq = 0;
async function write(store: Store, row: IngestToken & { token_hash: string }): Promise<void> {
  await store.insertJsonEachRow(
    'ingest_tokens',
    JSON.stringify({ ...row, created_at: chTime(row.created_at), revoked_at: row.revoked_at ? chTime(row.revoked_at) : null, version: Date.now() * 1000 + (seq++ % 1000) }),
  );
  await refreshIngestTokens(store);
}

export async function listIngestTokens(store: Store): Promise<IngestToken[]> {
  return store.query(sql`SELECT * EXCEPT (version, token_hash) FROM ingest_tokens FINAL ORDER BY created_at DESC`, ingestTokenSchema);
}

async function getRow(store: Store, id: string) {
  const rows = await store.query(sql`SELECT * EXCEPT (version) FROM ingest_tokens FINAL WHERE id = ${id}`, ingestTokenSchema.extend({ token_hash: z.string() }));
  return rows[0] ?? null;
}

function newValue(): string {
  return `ct_ingest_${crypto.randomBytes(24).toString('base64url')}`;
}

export async function createIngestToken(store: Store, input: { name: string; scope: string; created_by: string }): Promise<{ token: string; row: IngestToken }> {
  const token = newValue();
  const row = { id: `itk_${crypto.randomBytes(8).toString('hex')}`, ...input, prefix: token.slice(0, 14), created_at: new Date().toISOString(), revoked_at: null, token_hash: hashToken(token) };
  await write(store, row);
  const { token_hash: _h, ...pub } = row;
  return { token, row: pub };
}

export async function rotateIngestToken(store: Store, id: string): Promise<{ token: string; row: IngestToken } | null> {
  const cur = await getRow(store, id);
  if (!cur || cur.revoked_at) return null;
  const token = newValue();
  const row = { ...cur, token_hash: hashToken(token), prefix: token.slice(0, 14), created_at: new Date().toISOString() };
  await write(store, row);
  const { token_hash: _h, ...pub } = row;
  return { token, row: pub };
}

export async function revokeIngestToken(store: Store, id: string): Promise<IngestToken | null> {
  const cur = await getRow(store, id);
  if (!cur) return null;
  const row = { ...cur, revoked_at: cur.revoked_at ?? new Date().toISOString() };
  if (!cur.revoked_at) await write(store, row);
  const { token_hash: _h, ...pub } = row;
  return pub;
}
