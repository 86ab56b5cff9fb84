// What admin-managed credentials (ingest tokens, signing secrets) share: the public row
// shape, versioned rows in a ReplacingMergeTree, and the in-memory set of active values
// each process checks synchronously, reloaded after every change and every 15 s (changes
// made by another process). That state lives on globalThis and on the store, not in module
// scope: Next.js can load a module twice (instrumentation and route bundles), see
// collectors/connectors/services.ts.

import crypto from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { chTime } from '../ingest/rows';
import { chIso } from '../actions/exceptions';
import { oncePer } from '../once';

/** Columns every managed credential has; the secret itself is never part of it. */
export const credentialBaseSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  created_at: chIso,
  created_by: z.string(),
  revoked_at: chIso.nullable(),
});
export type CredentialBase = z.infer<typeof credentialBaseSchema>;

/** One value per process, whichever copy of a module asks. */
export function processState<T>(key: string, make: () => T): T {
  return oncePer(globalThis, key, make);
}

export function newCredentialId(prefix: string): string {
  return `${prefix}_${crypto.randomBytes(8).toString('hex')}`;
}

let seq = 0;
/** Writes a new version of a row (create, rotate, revoke), then reloads the active set. */
export async function writeVersioned<R extends CredentialBase>(store: Store, table: string, row: R, refresh: (store: Store) => Promise<void>): Promise<void> {
  await store.insertJsonEachRow(
    table,
    JSON.stringify({ ...row, created_at: chTime(row.created_at), revoked_at: row.revoked_at ? chTime(row.revoked_at) : null, version: Date.now() * 1000 + (seq++ % 1000) }),
  );
  await refresh(store);
}

/** Marks a row revoked (idempotent); null when there is no such row. */
export async function revokeVersioned<R extends CredentialBase>(cur: R | null, write: (row: R) => Promise<void>): Promise<R | null> {
  if (!cur) return null;
  const row = { ...cur, revoked_at: cur.revoked_at ?? new Date().toISOString() };
  if (!cur.revoked_at) await write(row);
  return row;
}

/**
 * Reloads the active set every `intervalMs`, once per store and kind, whichever module copy
 * asks; stops when the store is closed (a runtime closed before its process ends).
 */
export function startPeriodicRefresh(store: Store, kind: string, refresh: (store: Store) => Promise<void>, intervalMs = 15_000): void {
  oncePer(store, `refresh.${kind}`, () => {
    const t = setInterval(() => {
      if (store.isClosed?.()) return clearInterval(t);
      refresh(store).catch((err) => console.error(`[auth] ${kind} refresh failed:`, err));
    }, intervalMs);
    t.unref?.();
    return t;
  });
}
