// The signed-in user of a page request (server components): from the session cookie's
// value, verified like an API request. null when there is no valid session.

import { getRuntime } from '../runtime';
import { ensureAuthReady } from './bootstrap';
import { verifySession } from './session';
import { getUserById, publicUser, type PublicUser } from './users';

export async function sessionUser(cookieValue: string | undefined): Promise<PublicUser | null> {
  const claims = verifySession(cookieValue);
  if (!claims) return null;
  const rt = await getRuntime();
  await ensureAuthReady(rt.store);
  const user = await getUserById(rt.store, claims.uid);
  return user && !user.disabled ? publicUser(user) : null;
}
