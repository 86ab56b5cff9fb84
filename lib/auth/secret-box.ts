// Encryption at rest of secrets the app must read back in plaintext (signing secrets: the
// collectors compute HMACs with them, so they cannot be hashed like tokens). AES-256-GCM,
// a fresh 12-byte IV per value, the row id as additional data (a sealed value cannot be
// moved to another row). Key: HKDF-SHA256 of CASHTRACE_SECRETS_KEY, or of a random key
// generated once into <data dir>/secrets-key. Sealed form: v1.<key id>.<iv>.<tag>.<ciphertext>
// (base64url; key id = first 8 hex of SHA-256 of the key, so a changed key is named as such).

import crypto from 'node:crypto';
import { env } from '../env';
import { fileSecret } from './secrets';

interface Key {
  id: string;
  key: Buffer;
  origin: 'CASHTRACE_SECRETS_KEY' | 'data directory';
}

let cached: { material: string; key: Key } | null = null;

function currentKey(): Key {
  const configured = env().CASHTRACE_SECRETS_KEY;
  const material = configured ?? fileSecret('secrets-key', () => crypto.randomBytes(32).toString('base64url'));
  if (cached?.material === material) return cached.key;
  const key = Buffer.from(crypto.hkdfSync('sha256', material, Buffer.alloc(0), 'cashtrace secrets at rest v1', 32));
  const id = crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);
  cached = { material, key: { id, key, origin: configured ? 'CASHTRACE_SECRETS_KEY' : 'data directory' } };
  return cached.key;
}

/** Where the key comes from and its id (shown to admins; never the key). */
export function secretsKeyInfo(): { origin: Key['origin']; id: string } {
  const k = currentKey();
  return { origin: k.origin, id: k.id };
}

export function seal(plaintext: string, aad: string): string {
  const k = currentKey();
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', k.key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  return ['v1', k.id, iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

export function open(sealed: string, aad: string): string {
  const [v, id, iv, tag, ct] = sealed.split('.');
  if (v !== 'v1' || ct === undefined) throw new Error('not a sealed secret (v1.<key id>.<iv>.<tag>.<ciphertext>)');
  const k = currentKey();
  if (id !== k.id) throw new Error(`sealed with key ${id}, but the current key is ${k.id} (${k.origin}): was CASHTRACE_SECRETS_KEY changed?`);
  const d = crypto.createDecipheriv('aes-256-gcm', k.key, Buffer.from(iv, 'base64url'));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
}
