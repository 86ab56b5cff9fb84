// The signed-in user of a page request (server components): from the request headers'
// session cookie or Bearer API token, verified like an API request. null when neither is
// valid. Pages only read; every mutation goes through an API route with its CSRF check.
// Identified once per request (React's cache): the dashboard's layout, an area guard, the
// admin page and a page's prefetch all ask, and until 2026-12-07 each identified anew.

import { cache } from 'react';
import { headers } from 'next/headers';
import { getRuntime } from '../runtime';
import { identify, type Identity } from './authorize';
import { getUserById, publicUser, type PublicUser } from './users';
import { describeMe } from './me';
import type { Store } from '../clickhouse/client';
import type { Me } from '../contracts/auth';

/** The page request's caller (null without valid credentials) and the store they were found in. */
export const pageIdentity = cache(async (): Promise<{ store: Store; id: Identity | null }> => {
  const rt = await getRuntime();
  return { store: rt.store, id: await identify(new Request('http://page.local/', { headers: new Headers(await headers()) }), rt.store) };
});

export async function pageUser(): Promise<PublicUser | null> {
  const { store, id } = await pageIdentity();
  if (!id) return null;
  const user = await getUserById(store, id.principal.id);
  return user && !user.disabled ? publicUser(user) : null;
}

/** The page's user as GET /api/auth/me describes them (role's permissions, CSRF token), or null. */
export async function pageMe(): Promise<Me | null> {
  const { store, id } = await pageIdentity();
  return describeMe(store, id);
}
