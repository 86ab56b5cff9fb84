// Server-side first data of a page: react-query entries computed while the HTML renders,
// so the page's figures are in the first paint instead of waiting for the scripts to load,
// hydrate and ask (on 2 cores that was ~1–2 s after navigation). The client hook of the same
// key takes it over (and polls as before; fresh for the poll interval, so it is not asked
// again the moment the page hydrates). Computed only for a caller the API would serve:
// no permission, filters the API would refuse, or a failed query leave the cache empty and
// the client asks the API as before (with its error shown there).

import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { Suspense, type ReactNode } from 'react';
import type { z } from 'zod';
import type { Permission } from '@/lib/auth/authorize';
import { pageIdentity } from '@/lib/auth/current-user';
import { ApiError } from '@/lib/http/errors';
import { hasPermission } from '@/lib/auth/role-matrix';
import { getRuntime, type Runtime } from '@/lib/runtime';
import { filterValues } from '@/lib/queries/filters';

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** A page's URL parameters, each its first value. */
export async function urlParams(searchParams: SearchParams): Promise<Record<string, string | undefined>> {
  const sp = await searchParams;
  return Object.fromEntries(Object.entries(sp).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}

export interface PrefetchEntry<Q> {
  /** The client hook's query key for these params (e.g. ['kpis', queryString(params)]). */
  key: readonly unknown[];
  permission: Permission;
  /** The API's query schema: params it refuses are not prefetched. */
  query: z.ZodType<Q>;
  params: Record<string, string | number | undefined>;
  /** The route's work; null or undefined (e.g. not found) caches nothing. */
  load: (rt: Runtime, q: Q) => Promise<unknown>;
  /** The response contract the client hook parses with, if it parses (the cached value is what it would hold). */
  response?: z.ZodType;
}

/** A PrefetchEntry closed over its query type: what Prefetched runs. */
export interface Prefetch {
  key: readonly unknown[];
  permission: Permission;
  /** The value the client hook would hold, or undefined when there is none to cache. */
  run: (rt: Runtime) => Promise<unknown>;
}

export function prefetch<Q>(e: PrefetchEntry<Q>): Prefetch {
  return {
    key: e.key,
    permission: e.permission,
    run: async (rt) => {
      const q = e.query.safeParse(e.params);
      if (!q.success) return undefined;
      const data = await e.load(rt, q.data);
      if (data === null || data === undefined) return undefined;
      const json: unknown = JSON.parse(JSON.stringify(data)); // as the route's response carries it
      return e.response ? e.response.parse(json) : json;
    },
  };
}

export async function Prefetched({ entry, children }: { entry: Prefetch | Prefetch[]; children: ReactNode }) {
  return <HydrationBoundary state={await firstData([entry].flat())}>{children}</HydrationBoundary>;
}

/**
 * The signed-in caller of the page being rendered (as the API would identify them), or null:
 * the request's one identification (pageIdentity), which the layout made already.
 */
export const pageCaller = () =>
  pageIdentity().then(
    ({ id }) => id?.principal ?? null,
    (err: unknown) => {
      console.error(`[prefetch] identifying the caller: ${String(err)}`);
      return null;
    },
  );

/** Whether the page's caller holds `permission` (what the route of the same data would check). */
export async function callerMay(permission: Permission): Promise<boolean> {
  const principal = await pageCaller();
  return principal !== null && hasPermission(principal.role, permission);
}

/** The entries' values for a caller the routes would serve, as react-query's dehydrated cache. */
async function firstData(entries: Prefetch[]) {
  const client = new QueryClient();
  // the caller identified once for all entries (each entry's permission checked against it)
  const principal = await pageCaller();
  const loaded: [readonly unknown[], unknown][] = [];
  await Promise.all(
    entries.map(async (e) => {
      // a caller the route would refuse gets the route's own answer on the client
      if (!principal || !hasPermission(principal.role, e.permission)) return;
      try {
        const value = await e.run(await getRuntime());
        if (value !== undefined) loaded.push([e.key, value]);
      } catch (err) {
        if (!(err instanceof ApiError)) console.error(`[prefetch] ${String(e.key[0])}: ${String(err)}`);
      }
    }),
  );
  // all as of when the last one is in (the page is sent then): the first one is not already
  // stale, and refetched, the moment the page hydrates
  const at = Date.now();
  for (const [key, value] of loaded) client.setQueryData(key, value, { updatedAt: at });
  return dehydrate(client);
}

/**
 * A dashboard page whose first data is computed on the server: `fallback` while it is, then
 * the view with it. `entry` names the query from the URL's filter values and parameters.
 */
export function PrefetchedPage(p: {
  fallback: string;
  searchParams: SearchParams;
  entry: (filters: Record<string, string>, params: Record<string, string | undefined>) => Prefetch | Prefetch[];
  children: ReactNode;
}) {
  return (
    <Suspense fallback={<div className="loading">{p.fallback}</div>}>
      <FromUrl {...p} />
    </Suspense>
  );
}

async function FromUrl({ searchParams, entry, children }: Parameters<typeof PrefetchedPage>[0]) {
  const params = await urlParams(searchParams);
  // the filter bar's values in the order useFilters reads them (the hooks' query keys)
  const entryOf = entry(filterValues((k) => params[k]) as Record<string, string>, params);
  return <Prefetched entry={entryOf}>{children}</Prefetched>;
}
