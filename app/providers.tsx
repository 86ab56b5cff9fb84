'use client';
// Client-side providers: react-query with live refresh defaults (pages poll while data flows).

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { installCsrfFetch } from './_components/csrf';

export function Providers({ children }: { children: ReactNode }) {
  installCsrfFetch();
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { staleTime: 2_000, refetchInterval: 5_000, refetchOnWindowFocus: true, retry: 1 },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
