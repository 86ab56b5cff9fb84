// GET /api/auth/me: the signed-in user, their role's permissions and the CSRF token.

import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { identify } from '@/lib/auth/authorize';
import { describeMe } from '@/lib/auth/me';
import type { Me } from '@/lib/contracts/auth';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: null }, async ({ req, rt }): Promise<Me> => {
  const me = await describeMe(rt.store, await identify(req, rt.store));
  if (!me) throw errors.unauthorized();
  return me;
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
