// The signed-in user of a page request (server components): from the request headers'
// session cookie or Bearer API token, verified like an API request. null when neither is
// valid. Pages only read; every mutation goes through an API route with its CSRF check.

import { getRuntime } from '../runtime';
import { identify } from './authorize';
import { getUserById, publicUser, type PublicUser } from './users';
import { describeMe } from './me';
import type { Me } from '../contracts/auth';

async function pageIdentity(headers: Headers) {
  const rt = await getRuntime();
  return { store: rt.store, id: await identify(new Request('http://page.local/', { headers }), rt.store) };
}

export async function pageUser(headers: Headers): Promise<PublicUser | null> {
  const { store, id } = await pageIdentity(headers);
  if (!id) return null;
  const user = await getUserById(store, id.principal.id);
  return user && !user.disabled ? publicUser(user) : null;
}

/** The page's user as GET /api/auth/me describes them (role's permissions, CSRF token), or null. */
export async function pageMe(headers: Headers): Promise<Me | null> {
  const { store, id } = await pageIdentity(headers);
  return describeMe(store, id);
}
