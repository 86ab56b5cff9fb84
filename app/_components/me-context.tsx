'use client';
// The signed-in user as the server rendered the page for them (the dashboard's layout reads
// it from the request): useMe starts from it, so the server's HTML and the hydration render
// both have the user, and role-aware controls are there at first paint.

import { createContext, type ReactNode } from 'react';
import type { Me } from '@/lib/contracts/auth';

/** undefined outside the dashboard (the sign-in page): useMe waits for the client's fetch there. */
export const MeContext = createContext<Me | undefined>(undefined);

export function MeProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <MeContext.Provider value={me}>{children}</MeContext.Provider>;
}
