// Server-side first data of a page: one react-query entry computed while the HTML renders,
// so the page's figures are in the first paint instead of waiting for the scripts to load,
// hydrate and ask (on 2 cores that was ~1–2 s after navigation). The client hook of the same
// key takes it over (and polls as before). Computed only for a caller the API would serve:
// no permission, filters the API would refuse, or a failed query leave the cache empty and
// the client asks the API as before (with its error shown there).

import { headers } from 'next/headers';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { z } from 'zod';
import { authorize, type Permission } from '@/lib/auth/authorize';
import { ApiError } from '@/lib/http/errors';
import { getRuntime, type Runtime } from '@/lib/runtime';
import { filterValues } from '@/lib/queries/filters';

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The filter bar's values in a page's URL, in the order useFilters reads them (the query key). */
export async function urlFilters(searchParams: SearchParams): Promise<Record<string, string>> {
  const sp = await searchParams;
  return filterValues((k) => {
    const v = sp[k];
    return Array.isArray(v) ? v[0] : v;
  }) as Record<string, string>;
}

export interface PrefetchEntry<Q> {
  /** The client hook's query key for these params (e.g. ['kpis', queryString(params)]). */
  key: readonly unknown[];
  permission: Permission;
  /** The API's query schema: params it refuses are not prefetched. */
  query: z.ZodType<Q>;
  params: Record<string, string | number>;
  /** The route's work; null or undefined (e.g. not found) caches nothing. */
  load: (rt: Runtime, q: Q) => Promise<unknown>;
  /** The response contract the client hook parses with, if it parses (the cached value is what it would hold). */
  response?: z.ZodType;
}

export async function Prefetched<Q>({ entry, children }: { entry: PrefetchEntry<Q>; children: ReactNode }) {
  const client = new QueryClient();
  try {
    await authorize(new Request('http://page.local/', { headers: new Headers(await headers()) }), entry.permission);
    const q = entry.query.safeParse(entry.params);
    if (q.success) {
      const data = await entry.load(await getRuntime(), q.data);
      if (data !== null && data !== undefined) {
        const json: unknown = JSON.parse(JSON.stringify(data)); // as the route's response carries it
        client.setQueryData(entry.key, entry.response ? entry.response.parse(json) : json);
      }
    }
  } catch (err) {
    // refused callers get the API's own answer on the client; anything else is worth a line
    if (!(err instanceof ApiError)) console.error(`[prefetch] ${entry.key}: ${String(err)}`);
  }
  return <HydrationBoundary state={dehydrate(client)}>{children}</HydrationBoundary>;
}
