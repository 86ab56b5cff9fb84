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
          // fresh for one poll interval: data rendered on the server is not fetched again at hydration
          queries: { staleTime: 5_000, refetchInterval: 5_000, refetchOnWindowFocus: true, retry: 1 },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
