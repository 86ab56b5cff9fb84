'use client';
// False on the server and during hydration, true once mounted: for what the client may know
// before a server-rendered part of the page hydrates (a background refetch, the signed-in
// user fetched while the rest of the page was still streaming), so the hydration render
// matches the server's HTML and the difference shows one render later.

import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

export function useMounted(): boolean {
  return useSyncExternalStore(subscribe, () => true, () => false);
}
