// GET /api/auth/me: the signed-in user, their role's permissions and the CSRF token.

import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { identify } from '@/lib/auth/authorize';
import { permissionsOf } from '@/lib/auth/role-matrix';
import { csrfTokenFor } from '@/lib/auth/session';
import { getUserById } from '@/lib/auth/users';
import type { Me } from '@/lib/contracts/auth';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: null }, async ({ req, rt, principal }): Promise<Me> => {
  const id = await identify(req, rt.store);
  const user = await getUserById(rt.store, principal.id);
  if (!user || !id) throw errors.unauthorized();
  return {
    user: { id: user.id, username: user.username, display_name: user.display_name, role: user.role },
    via: principal.via,
    permissions: [...permissionsOf(user.role)],
    csrf_token: id.session ? csrfTokenFor(id.session.sid) : null,
  };
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
