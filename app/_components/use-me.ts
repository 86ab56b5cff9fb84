'use client';
// The signed-in user (GET /api/auth/me) for role-aware UI; null when signed out.

import { useQuery } from '@tanstack/react-query';
import { meSchema, type Me } from '@/lib/contracts/auth';

export function useMe() {
  return useQuery<Me | null>({
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
}
