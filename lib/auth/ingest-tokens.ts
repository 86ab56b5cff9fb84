// Ingest tokens managed by admins, besides the configured CASHTRACE_INGEST_TOKEN: created
// (shown once), rotated and revoked at /admin, optionally limited to one collector. The
// collectors check tokens synchronously, so this process keeps the active hashes in memory,
// reloaded after every change and every 15 s (changes made by another process).

import crypto from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { constantTimeEqual } from '../http/auth-token';
import { hashToken } from './api-tokens';
import { credentialBaseSchema, newCredentialId, processState, revokeVersioned, startPeriodicRefresh, writeVersioned } from './managed-credentials';

export const ingestTokenSchema = credentialBaseSchema.extend({
  /** '' = every collector, else the one collector it may send to (e.g. 'stripe', 'events'). */
  scope: z.string(),
});
export type IngestToken = z.infer<typeof ingestTokenSchema>;

/** Active token hash ▶ scope. */
const active = processState('ingestTokens', () => new Map<string, string>());

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

export function startIngestTokenRefresh(store: Store, intervalMs = 15_000): void {
  startPeriodicRefresh(store, 'ingest_tokens', refreshIngestTokens, intervalMs);
}

const write = (store: Store, row: IngestToken & { token_hash: string }) => writeVersioned(store, 'ingest_tokens', row, refreshIngestTokens);

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
  const row = { id: newCredentialId('itk'), ...input, prefix: token.slice(0, 14), created_at: new Date().toISOString(), revoked_at: null, token_hash: hashToken(token) };
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
  const row = await revokeVersioned(await getRow(store, id), (r) => write(store, r));
  if (!row) return null;
  const { token_hash: _h, ...pub } = row;
  return pub;
}
