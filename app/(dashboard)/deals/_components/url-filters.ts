'use client';
// The shared filter bar's values (DOMAIN filters) read from the URL, so a view can be shared.

import { useSearchParams } from 'next/navigation';
import { filterValues } from '@/lib/queries/filters';

export function useUrlFilters(): Record<string, string> {
  const sp = useSearchParams();
  return filterValues((k) => sp.get(k)) as Record<string, string>;
}
