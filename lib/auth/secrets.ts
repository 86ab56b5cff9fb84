// Secrets kept beside the data in demo mode (like the ingest token): the session HMAC key
// and the demo users' passwords. Configuration wins when set.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { env } from '../env';

/** Reads `<dataDir>/<name>`, creating it (mode 0600) with `make()` the first time. */
export function fileSecret(name: string, make: () => string): string {
  const file = path.resolve(env().CASHTRACE_DATA_DIR, name);
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const value = make();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, value, { mode: 0o600 });
    return value;
  }
}

let cached: { dir: string; secret: Buffer } | null = null;

export function sessionSecret(): Buffer {
  const e = env();
  if (cached && cached.dir === e.CASHTRACE_DATA_DIR) return cached.secret;
  const text = e.CASHTRACE_SESSION_SECRET ?? fileSecret('session-secret', () => crypto.randomBytes(32).toString('base64url'));
  cached = { dir: e.CASHTRACE_DATA_DIR, secret: Buffer.from(text, 'utf8') };
  return cached.secret;
}
