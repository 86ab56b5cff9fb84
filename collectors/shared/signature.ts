// Signature and secret helpers shared by every collector: signing secrets from
// CASHTRACE_<SOURCE>_SECRET (comma-separated for rotation) and from admins (lib/auth/
// signing-secrets.ts), HMAC computation and constant-time comparison against any of them.

import crypto from 'node:crypto';
import { env, type Env } from '@/lib/env';
import { errors } from '@/lib/http/errors';
import type { SigningSource } from '@/lib/contracts/auth';
import { managedSigningSecrets } from '@/lib/auth/signing-secrets';

export type SecretSource = SigningSource;

/** The variable holding each source's signing secrets. */
export const SECRET_VARS: Record<SecretSource, keyof Env> = {
  stripe: 'CASHTRACE_STRIPE_SECRET',
  hubspot: 'CASHTRACE_HUBSPOT_SECRET',
  docusign: 'CASHTRACE_DOCUSIGN_SECRET',
  quickbooks: 'CASHTRACE_QUICKBOOKS_SECRET',
  xero: 'CASHTRACE_XERO_SECRET',
  netsuite: 'CASHTRACE_NETSUITE_SECRET',
};

/** The configured secrets of a source (the environment variable only). */
export function envSecretsFor(source: SecretSource): string[] {
  const raw = env()[SECRET_VARS[source]];
  return typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** The active secrets of a source: configured ∪ admin-managed; 401 when there is none (nothing can be verified). */
export function secretsFor(source: SecretSource): string[] {
  const list = [...new Set([...envSecretsFor(source), ...managedSigningSecrets(source)])];
  if (list.length === 0) {
    throw errors.unauthorized(`no signing secret for ${source}: set ${SECRET_VARS[source]} or add one at /admin (Signing secrets), so ${source} deliveries cannot be verified`);
  }
  return list;
}

export function hmacSha256(secret: string, data: string | Buffer, encoding: 'hex' | 'base64'): string {
  return crypto.createHmac('sha256', secret).update(data).digest(encoding);
}

/** Constant-time string comparison (hashes first, so lengths leak nothing either). */
export function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb) && a.length === b.length;
}

/**
 * True when any provided signature matches the HMAC of `data` under any active secret.
 * Every pair is compared (no early exit) so timing does not reveal which one matched.
 */
export function anySignatureMatches(secrets: string[], data: string | Buffer, provided: string[], encoding: 'hex' | 'base64'): boolean {
  let ok = false;
  for (const secret of secrets) {
    const expected = hmacSha256(secret, data, encoding);
    for (const p of provided) if (safeEqual(expected, p.trim())) ok = true;
  }
  return ok;
}

/** Rejects timestamps outside the window (replayed or stale deliveries). */
export function assertFresh(timestampMs: number, toleranceMs: number, now = Date.now()): void {
  if (!Number.isFinite(timestampMs)) throw errors.unauthorized('signature timestamp is missing or not a number');
  if (Math.abs(now - timestampMs) > toleranceMs) {
    throw errors.unauthorized(`signature timestamp is outside the ${Math.round(toleranceMs / 1000)} s tolerance (replayed or clock skew)`);
  }
}

/**
 * Verifies a `t=<unix s>,v1=<hex>[,v1=<hex>…]` header (Stripe's scheme, also used by our
 * NetSuite contract): HMAC-SHA256 of `t.body`, any v1 under any active secret, within tolerance.
 */
export function verifyTimestampedHmac(header: string | null, headerName: string, body: Buffer, secrets: string[], toleranceS: number, now: Date): void {
  if (!header) throw errors.unauthorized(`missing ${headerName} header`);
  let t = NaN;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.split('=', 2).map((s) => s?.trim() ?? '');
    if (k === 't') t = Number(v);
    else if (k === 'v1' && v) v1.push(v);
  }
  if (v1.length === 0) throw errors.unauthorized(`${headerName} has no v1 signature`);
  assertFresh(t * 1000, toleranceS * 1000, now.getTime());
  if (!anySignatureMatches(secrets, Buffer.concat([Buffer.from(`${t}.`), body]), v1, 'hex')) {
    throw errors.unauthorized(`${headerName} does not match any active secret`);
  }
}

/** Signs a body the same way (senders). */
export function timestampedHmacHeader(body: string, secret: string, now: Date): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${hmacSha256(secret, `${t}.${body}`, 'hex')}`;
}
