'use client';
// react-query hooks of the integrations view, one per endpoint, refreshed live (the
// providers poll every 5 s). Response types are the shared contracts.

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import type {
  DealTracesResponse,
  DeadLetterResponse,
  DeadLettersResponse,
  FlowFailuresResponse,
  FlowsResponse,
  IngestHealthResponse,
  OrphansResponse,
  TraceResponse,
} from '@/lib/contracts/integrations';
import { fetchJson, queryString } from '@/app/_hooks/fetch-json';

type Params = Record<string, string | number | undefined | null>;

/** The routes validate and shape every figure; the client trusts the shared contract type. */
const trusted = <T,>() => z.custom<T>((v) => typeof v === 'object' && v !== null);

function useGet<T>(key: string, path: string, params: Params, opts: { enabled?: boolean; keep?: boolean } = {}) {
  const qs = queryString(params);
  return useQuery({
    queryKey: [key, path, qs],
    queryFn: ({ signal }) => fetchJson(`${path}${qs}`, trusted<T>(), signal),
    enabled: opts.enabled ?? true,
    placeholderData: opts.keep === false ? undefined : keepPreviousData,
    retry: (n, err) => (err as { status?: number }).status !== 404 && n < 1,
  });
}

export const useFlows = (filters: Params) => useGet<FlowsResponse>('flows', '/api/flows', filters);

export const useFlowFailures = (p: Params, enabled: boolean) => useGet<FlowFailuresResponse>('flow-failures', '/api/flows/failures', p, { enabled });

export const useDeadLetters = (p: Params) => useGet<DeadLettersResponse>('dead-letters', '/api/dead-letters', p);

export const useDeadLetter = (id: string | null) =>
  useGet<DeadLetterResponse>('dead-letter', `/api/dead-letters/${encodeURIComponent(id ?? '')}`, {}, { enabled: Boolean(id), keep: false });

export const useOrphans = (p: Params) => useGet<OrphansResponse>('orphans', '/api/orphans', p);

export const useIngestHealth = (minutes: number) => useGet<IngestHealthResponse>('ingest-health', '/api/ingest-health', { minutes });

export const useTrace = (traceId: string) => useGet<TraceResponse>('trace', `/api/traces/${encodeURIComponent(traceId)}`, {}, { keep: false });

export const useDealTraces = (correlationId: string) => useGet<DealTracesResponse>('deal-traces', '/api/traces', { correlation_id: correlationId });

/** The export link of a table endpoint with the same parameters. */
export function csvHref(path: string, params: Params): string {
  return `${path}${queryString({ ...params, format: 'csv' })}`;
}
