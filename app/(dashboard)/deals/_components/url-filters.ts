'use client';
// The shared filter bar's values (DOMAIN filters) read from the URL, so a view can be shared.

import { useSearchParams } from 'next/navigation';
import { FILTER_KEYS } from '@/lib/queries/filters';

export function useUrlFilters(): Record<string, string> {
  const sp = useSearchParams();
  const out: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = sp.get(k);
    if (v) out[k] = v;
  }
  return out;
}
