// Who is calling, and may they do this? The seam every route goes through:
// Bearer API token or signed session cookie ▶ the user (not disabled) ▶ CSRF check on
// state-changing requests made with a session ▶ the role matrix.
// `permission: null` means any signed-in user.

import { errors } from '../http/errors';
import { bearerToken } from '../http/auth-token';
import { getRuntime } from '../runtime';
import type { Store } from '../clickhouse/client';
import { findToken } from './api-tokens';
import { ensureAuthReady } from './bootstrap';
import { hasPermission } from './role-matrix';
import { type Permission, type Principal } from './roles';
import { CSRF_HEADER, SESSION_COOKIE, STATE_CHANGING, csrfValid, originAllowed, readCookie, verifySession, type SessionClaims } from './session';
import { getUserById } from './users';

export { ROLES, PERMISSIONS, type Role, type Permission, type Principal } from './roles';

export interface Identity {
  principal: Principal;
  session: SessionClaims | null;
}

/** The caller, or null when there are no valid credentials (no CSRF or permission check). */
export async function identify(req: Request, store: Store): Promise<Identity | null> {
  await ensureAuthReady(store);
  const bearer = bearerToken(req);
  if (bearer) {
    const tok = await findToken(store, bearer);
    if (!tok) return null;
    const user = await getUserById(store, tok.user_id);
    if (!user || user.disabled) return null;
    return { principal: { id: user.id, name: user.username, role: user.role, via: 'token' }, session: null };
  }
  const claims = verifySession(readCookie(req, SESSION_COOKIE));
  if (!claims) return null;
  const user = await getUserById(store, claims.uid);
  if (!user || user.disabled) return null;
  return { principal: { id: user.id, name: user.username, role: user.role, via: 'session' }, session: claims };
}

/** Throws 401 (no valid credentials), 403 (CSRF or role) — or returns the caller. */
export async function authorize(req: Request, permission: Permission | null): Promise<Principal> {
  const rt = await getRuntime();
  const id = await identify(req, rt.store);
  if (!id) throw errors.unauthorized('sign in, or send a valid API token (Authorization: Bearer …)');
  if (id.session && STATE_CHANGING.has(req.method.toUpperCase())) {
    if (!originAllowed(req)) throw errors.forbidden('cross-site request refused (Origin does not match)');
    if (!csrfValid(id.session, req.headers.get(CSRF_HEADER))) throw errors.forbidden('missing or invalid CSRF token (X-CSRF-Token header)');
  }
  if (permission && !hasPermission(id.principal.role, permission)) {
    throw errors.forbidden(`the ${id.principal.role} role lacks the ${permission} permission`);
  }
  return id.principal;
}
