// Per-source signing secrets managed by admins, besides CASHTRACE_<SOURCE>_SECRET: created
// (generated in the vendor's shape, or the one the vendor issued, pasted), rotated (a new
// secret beside the old one, both verify until the old one is revoked) and revoked at
// /admin. Shown once; stored encrypted (lib/auth/secret-box.ts), listed by prefix and
// fingerprint only. Signature checks are synchronous, so each process keeps the active
// plaintext secrets in memory, reloaded after every change and every 15 s.

import crypto from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { SIGNING_SOURCES, signingSecretPublicSchema, type SigningSource } from '../contracts/auth';
import { errors } from '../http/errors';
import { credentialBaseSchema, newCredentialId, processState, revokeVersioned, startPeriodicRefresh, writeVersioned } from './managed-credentials';
import { open, seal } from './secret-box';

export const signingSecretSchema = credentialBaseSchema.extend(signingSecretPublicSchema.pick({ source: true, fingerprint: true, origin: true, rotated_from: true }).shape);
export type SigningSecret = z.infer<typeof signingSecretSchema>;
type Stored = SigningSecret & { secret_sealed: string };

/** Active plaintext secrets per source, oldest first. */
const active = processState('signingSecrets', () => new Map<SigningSource, string[]>());

/** The active admin-managed secrets of a source (collectors/shared/signature.ts adds the configured ones). */
export function managedSigningSecrets(source: SigningSource): string[] {
  return active.get(source) ?? [];
}

export async function refreshSigningSecrets(store: Store): Promise<void> {
  const rows = await store.query(
    sql`SELECT id, source, secret_sealed FROM signing_secrets FINAL WHERE revoked_at IS NULL ORDER BY created_at`,
    z.object({ id: z.string(), source: z.enum(SIGNING_SOURCES), secret_sealed: z.string() }),
  );
  const next = new Map<SigningSource, string[]>();
  for (const r of rows) {
    try {
      next.set(r.source, [...(next.get(r.source) ?? []), open(r.secret_sealed, r.id)]);
    } catch (err) {
      // One undecryptable row (the key changed) must not take the others down.
      console.error(`[auth] signing secret ${r.id} (${r.source}) cannot be decrypted: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  active.clear();
  for (const [source, list] of next) active.set(source, list);
}

export function startSigningSecretRefresh(store: Store, intervalMs = 15_000): void {
  startPeriodicRefresh(store, 'signing_secrets', refreshSigningSecrets, intervalMs);
}

const write = (store: Store, row: Stored) => writeVersioned(store, 'signing_secrets', row, refreshSigningSecrets);

function pub(row: Stored): SigningSecret {
  const { secret_sealed: _s, ...rest } = row;
  return rest;
}

export async function listSigningSecrets(store: Store): Promise<SigningSecret[]> {
  return store.query(sql`SELECT * EXCEPT (version, secret_sealed) FROM signing_secrets FINAL ORDER BY source, created_at DESC`, signingSecretSchema);
}

async function getRow(store: Store, id: string): Promise<Stored | null> {
  const rows = await store.query(sql`SELECT * EXCEPT (version) FROM signing_secrets FINAL WHERE id = ${id}`, signingSecretSchema.extend({ secret_sealed: z.string() }));
  return rows[0] ?? null;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const alnum = (n: number) => Array.from({ length: n }, () => ALNUM[crypto.randomInt(ALNUM.length)]).join('');

/** A new secret in the shape each vendor issues (what the admin then enters at the vendor, where it can be set). */
export const GENERATED_SHAPE: Record<SigningSource, () => string> = {
  stripe: () => `whsec_${alnum(32)}`,
  hubspot: () => crypto.randomUUID(),
  docusign: () => crypto.randomBytes(32).toString('base64'),
  quickbooks: () => crypto.randomUUID(),
  xero: () => crypto.randomBytes(64).toString('base64'),
  netsuite: () => crypto.randomBytes(32).toString('hex'),
};

export function fingerprintOf(secret: string): string {
  return crypto.createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 12);
}

/** Enough to recognise a secret, too little to use it: a vendor prefix (whsec_) and 4 characters. */
function prefixOf(secret: string): string {
  return secret.slice(0, (secret.startsWith('whsec_') ? 6 : 0) + 4);
}

export async function createSigningSecret(
  store: Store,
  input: { source: SigningSource; name: string; secret?: string; created_by: string; rotated_from?: string },
): Promise<{ secret: string; row: SigningSecret }> {
  const secret = input.secret ?? GENERATED_SHAPE[input.source]();
  const fingerprint = fingerprintOf(secret);
  const same = (await listSigningSecrets(store)).find((s) => s.source === input.source && !s.revoked_at && s.fingerprint === fingerprint);
  if (same) throw errors.conflict(`this secret is already active for ${input.source} (${same.name}, ${same.id})`);
  const id = newCredentialId('sgs');
  const row: Stored = {
    id,
    source: input.source,
    name: input.name,
    prefix: prefixOf(secret),
    fingerprint,
    origin: input.secret === undefined ? 'generated' : 'supplied',
    rotated_from: input.rotated_from ?? '',
    created_at: new Date().toISOString(),
    created_by: input.created_by,
    revoked_at: null,
    secret_sealed: seal(secret, id),
  };
  await write(store, row);
  return { secret, row: pub(row) };
}

/** A new secret for the same source and name; the old one stays active until revoked. */
export async function rotateSigningSecret(store: Store, id: string, input: { secret?: string; created_by: string }): Promise<{ secret: string; row: SigningSecret } | null> {
  const cur = await getRow(store, id);
  if (!cur || cur.revoked_at) return null;
  return createSigningSecret(store, { source: cur.source, name: cur.name, secret: input.secret, created_by: input.created_by, rotated_from: cur.id });
}

export async function revokeSigningSecret(store: Store, id: string): Promise<SigningSecret | null> {
  const row = await revokeVersioned(await getRow(store, id), (r) => write(store, r));
  return row && pub(row);
}
