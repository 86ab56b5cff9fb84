'use client';
// useDeals / useDeal / useDealOpenItems: the deals list, one deal's journey and its open
// items, refreshed live. useRecordDeal: the deal a record's key or bare ID names.

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { dealDetailSchema, dealOpenItemsSchema, dealsResponseSchema, resolveResponseSchema } from '@/lib/contracts/deals';
import { parseEntityKey } from '@/lib/events/entity-key';
import { fetchJson, queryString } from './fetch-json';

export interface DealsParams {
  q?: string;
  stage?: string;
  /** A variant's path (steps joined by commas), as /variants links it. */
  path?: string;
  cursor?: string;
  limit?: number;
  filters?: Record<string, string>;
}

export function useDeals(p: DealsParams) {
  const qs = queryString({ ...p.filters, q: p.q, stage: p.stage, path: p.path, cursor: p.cursor, limit: p.limit });
  return useQuery({
    queryKey: ['deals', qs],
    queryFn: ({ signal }) => fetchJson(`/api/deals${qs}`, dealsResponseSchema, signal),
    placeholderData: keepPreviousData,
  });
}

export function useDeal(correlationId: string, enabled = true) {
  return useQuery({
    queryKey: ['deal', correlationId],
    enabled,
    queryFn: ({ signal }) => fetchJson(`/api/deals/${encodeURIComponent(correlationId)}`, dealDetailSchema, signal),
    retry: (n, err) => (err as { status?: number }).status !== 404 && n < 1,
  });
}

export function useDealOpenItems(correlationId: string, enabled = true) {
  return useQuery({
    queryKey: ['deal-open-items', correlationId],
    enabled,
    queryFn: ({ signal }) => fetchJson(`/api/deals/${encodeURIComponent(correlationId)}/open-items`, dealOpenItemsSchema, signal),
    retry: (n, err) => (err as { status?: number }).status !== 404 && n < 1,
  });
}

/** The deal an address names that is no deal's correlation ID: by key (source:entity_type:id) or by a record's bare ID (GET /api/resolve). */
export function useRecordDeal(id: string, enabled: boolean) {
  const qs = queryString(parseEntityKey(id) ? { key: id } : { id });
  return useQuery({
    queryKey: ['resolve', qs],
    queryFn: ({ signal }) => fetchJson(`/api/resolve${qs}`, resolveResponseSchema, signal),
    enabled,
    retry: false,
  });
}
