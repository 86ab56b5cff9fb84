// Local sign-in: username + password against the scrypt hash, rate-limited per username
// and per IP (failed attempts in a 15-minute window), every attempt audited.

import type { Store } from '../clickhouse/client';
import { env } from '../env';
import { errors } from '../http/errors';
import { clientIp, recordAudit } from '../audit/record';
import { dummyHash, verifyPassword } from './passwords';
import { RateLimiter } from './rate-limit';
import { getUserByUsername, type UserRow } from './users';

const WINDOW_MS = 15 * 60 * 1000;
// Per IP the limit is four times the per-user one: an office shares one address.
let limiters: { user: RateLimiter; ip: RateLimiter } | null = null;
function rateLimiters() {
  const n = env().CASHTRACE_LOGIN_MAX_ATTEMPTS;
  if (!limiters) limiters = { user: new RateLimiter(n, WINDOW_MS), ip: new RateLimiter(n * 4, WINDOW_MS) };
  return limiters;
}
/** Tests start each case with a fresh window. */
export function resetLoginLimits(): void {
  limiters = null;
}

export async function signIn(store: Store, req: Request, username: string, password: string): Promise<UserRow> {
  const ip = clientIp(req);
  const name = username.trim().toLowerCase();
  const rl = rateLimiters();
  const wait = Math.max(rl.user.retryAfter(name), rl.ip.retryAfter(ip));
  const actor = { id: '', name, role: '', via: 'session' };
  if (wait > 0) {
    await recordAudit(store, [{ actor, action: 'auth.login', target: name, outcome: 'rate_limited', ip }]);
    throw errors.tooManyRequests(wait);
  }
  const user = await getUserByUsername(store, name);
  const ok = user && user.password_hash && !user.disabled ? await verifyPassword(password, user.password_hash) : (await verifyPassword(password, await dummyHash()), false);
  if (!ok || !user) {
    rl.user.fail(name);
    rl.ip.fail(ip);
    await recordAudit(store, [{ actor, action: 'auth.login', target: name, outcome: 'refused', ip }]);
    throw errors.unauthorized('wrong username or password');
  }
  rl.user.reset(name);
  await recordAudit(store, [{ actor: { id: user.id, name: user.username, role: user.role, via: 'session' }, action: 'auth.login', target: name, outcome: 'ok', ip }]);
  return user;
}
