'use client';
// useVariants: process variants and conformance, refreshed live.

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { variantsResponseSchema } from '@/lib/contracts/variants';
import { fetchJson, queryString } from './fetch-json';

export function useVariants(p: { limit?: number; conforming?: string; filters?: Record<string, string> }) {
  const qs = queryString({ ...p.filters, conforming: p.conforming, limit: p.limit });
  return useQuery({
    queryKey: ['variants', qs],
    queryFn: ({ signal }) => fetchJson(`/api/variants${qs}`, variantsResponseSchema, signal),
    placeholderData: keepPreviousData,
  });
}
