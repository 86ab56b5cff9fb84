// The signed-in user of a page request (server components): from the request headers'
// session cookie or Bearer API token, verified like an API request. null when neither is
// valid. Pages only read; every mutation goes through an API route with its CSRF check.

import { getRuntime } from '../runtime';
import { identify } from './authorize';
import { getUserById, publicUser, type PublicUser } from './users';

export async function pageUser(headers: Headers): Promise<PublicUser | null> {
  const rt = await getRuntime();
  const id = await identify(new Request('http://page.local/', { headers }), rt.store);
  if (!id) return null;
  const user = await getUserById(rt.store, id.principal.id);
  return user && !user.disabled ? publicUser(user) : null;
}
