'use client';
// The signed-in user (GET /api/auth/me) for role-aware UI; null when signed out. Undefined
// until the component has mounted: the server renders role-aware controls without a user, and
// a part of the page that streams in after the user was fetched (a slow server-side query)
// must hydrate as the server rendered it (React error #418 on /finance and /pmo otherwise).

import { useQuery } from '@tanstack/react-query';
import { meSchema, type Me } from '@/lib/contracts/auth';
import { useMounted } from './use-mounted';

export function useMe() {
  const mounted = useMounted();
  const q = useQuery<Me | null>({
    queryKey: ['auth', 'me'],
    queryFn: async () => {
      const r = await fetch('/api/auth/me', { cache: 'no-store' });
      if (r.status === 401) return null;
      if (!r.ok) throw new Error(`GET /api/auth/me: ${r.status}`);
      return meSchema.parse(await r.json());
    },
    staleTime: 60_000,
    refetchInterval: false,
  });
  return mounted ? q : { ...q, data: undefined };
}
