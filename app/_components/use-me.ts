'use client';
// The signed-in user (GET /api/auth/me) for role-aware UI; null when signed out. In the
// dashboard it starts from the user the server rendered the page for (MeContext), so the
// server's HTML, the hydration render and the first paint all have the role-aware controls
// (until 2026-12-07 they appeared one fetch later, and rows grew). Elsewhere it is undefined
// until mounted: a part of the page that streams in after the user was fetched must hydrate
// as the server rendered it (React error #418 on /finance and /pmo otherwise).

import { useContext } from 'react';
import { useQuery } from '@tanstack/react-query';
import { meSchema, type Me } from '@/lib/contracts/auth';
import { useMounted } from './use-mounted';
import { MeContext } from './me-context';

export function useMe() {
  const mounted = useMounted();
  const rendered = useContext(MeContext);
  const q = useQuery<Me | null>({
    queryKey: ['auth', 'me'],
    queryFn: async () => {
      const r = await fetch('/api/auth/me', { cache: 'no-store' });
      if (r.status === 401) return null;
      if (!r.ok) throw new Error(`GET /api/auth/me: ${r.status}`);
      return meSchema.parse(await r.json());
    },
    initialData: rendered,
    staleTime: 60_000,
    refetchInterval: false,
  });
  return mounted || rendered ? q : { ...q, data: undefined };
}
