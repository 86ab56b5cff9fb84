// What GET /api/auth/me answers, and what the dashboard's layout hands its client components
// (so role-aware controls render with the page, not one fetch after it): the signed-in user,
// their role's permissions and, for a session, the CSRF token.

import type { Store } from '../clickhouse/client';
import type { Me } from '../contracts/auth';
import type { Identity } from './authorize';
import { permissionsOf } from './role-matrix';
import { csrfTokenFor } from './session';
import { getUserById } from './users';

/** null without an identity, or when its user is gone or disabled. */
export async function describeMe(store: Store, id: Identity | null): Promise<Me | null> {
  if (!id) return null;
  const user = await getUserById(store, id.principal.id);
  if (!user || user.disabled) return null;
  return {
    user: { id: user.id, username: user.username, display_name: user.display_name, role: user.role },
    via: id.principal.via,
    permissions: [...permissionsOf(user.role)],
    csrf_token: id.session ? csrfTokenFor(id.session.sid) : null,
  };
}
