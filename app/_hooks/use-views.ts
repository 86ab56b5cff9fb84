'use client';
// React-query hooks of the operational views (KPIs, stuck queues, SLA, leakage), refreshed
// live by the provider's polling; responses are validated with the shared contracts.

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { kpisResponseSchema } from '@/lib/contracts/kpis';
import { stuckItemsResponseSchema, stuckSummaryResponseSchema } from '@/lib/contracts/stuck';
import { slaBreachesResponseSchema, slaPolicySchema } from '@/lib/contracts/sla';
import { leakageResponseSchema } from '@/lib/contracts/leakage';
import { assigneesResponseSchema } from '@/lib/contracts/actions';
import { STUCK_RULE_NAMES } from '@/lib/stuck/rules';
import { unstaffedResponseSchema } from '@/lib/contracts/pmo';
import { fetchJson, queryString, sendJson } from './fetch-json';

type Params = Record<string, string | number | undefined>;

export function useKpis(filters: Params) {
  const qs = queryString(filters);
  return useQuery({ queryKey: ['kpis', qs], queryFn: ({ signal }) => fetchJson(`/api/kpis${qs}`, kpisResponseSchema, signal), placeholderData: keepPreviousData });
}

export function useStuckSummary(filters: Params) {
  const qs = queryString(filters);
  return useQuery({ queryKey: ['stuck-summary', qs], queryFn: ({ signal }) => fetchJson(`/api/stuck${qs}`, stuckSummaryResponseSchema, signal), placeholderData: keepPreviousData });
}

export function useStuckItems(params: Params) {
  const qs = queryString(params);
  return useQuery({ queryKey: ['stuck-items', qs], queryFn: ({ signal }) => fetchJson(`/api/stuck${qs}`, stuckItemsResponseSchema, signal), placeholderData: keepPreviousData });
}

/**
 * How many items assigned to `username` need work (not snoozed, not resolved), whatever the
 * page's filters: the stuck items of every queue, the open breaches of the SLA policies of
 * one's own and, for those who read PMO, the unstaffed projects. The nav's count, so someone given work sees it on any page. Polled every 30 s (and
 * at once after a workflow change: a 'stuck-items' key).
 */
export function useMyWork(username: string | null, unstaffed: boolean) {
  const mine = { assignee: username ?? '', state: 'active', limit: 1 };
  const qs = queryString({ rules: STUCK_RULE_NAMES.join(','), ...mine });
  return useQuery({
    queryKey: ['stuck-items', 'my-work', qs, unstaffed],
    queryFn: async ({ signal }) => {
      const [stuck, projects, breaches] = await Promise.all([
        fetchJson(`/api/stuck${qs}`, stuckItemsResponseSchema, signal),
        unstaffed ? fetchJson(`/api/pmo/unstaffed${queryString(mine)}`, unstaffedResponseSchema, signal) : null,
        // open breaches of the policies of one's own (the nine's are the stuck items above)
        fetchJson(`/api/sla/breaches${queryString({ ...mine, own: '1', kind: 'open', figures: '0' })}`, slaBreachesResponseSchema, signal),
      ]);
      return { stuck: stuck.total, unstaffed: projects?.total ?? 0, breaches: breaches.total, value: stuck.total_value, currency: stuck.reporting_currency };
    },
    enabled: !!username,
    refetchInterval: 30_000,
    staleTime: 30_000,
  });
}

/** The people stuck items may be assigned to (GET /api/assignees; for those who take actions): one list for every row's menu. */
export function useAssignees(enabled: boolean) {
  return useQuery({ queryKey: ['assignees'], queryFn: ({ signal }) => fetchJson('/api/assignees', assigneesResponseSchema, signal), enabled, staleTime: 60_000, refetchInterval: false });
}

export function useSlaBreaches(params: Params) {
  const qs = queryString(params);
  return useQuery({ queryKey: ['sla-breaches', qs], queryFn: ({ signal }) => fetchJson(`/api/sla/breaches${qs}`, slaBreachesResponseSchema, signal), placeholderData: keepPreviousData });
}

const calendarSchema = z.object({
  id: z.string(),
  name: z.string(),
  legal_entities: z.array(z.string()),
  working_days: z.array(z.number()),
  timezone: z.string().optional(),
  holidays: z.array(z.object({ date: z.string(), name: z.string() })),
});
export const policiesResponseSchema = z.object({ policies: z.array(slaPolicySchema), calendars: z.array(calendarSchema) });

export function useSlaPolicies() {
  return useQuery({ queryKey: ['sla-policies'], queryFn: ({ signal }) => fetchJson('/api/sla/policies', policiesResponseSchema, signal) });
}

/** Save (create or update) a policy; a refusal carries the server's validation messages. */
export function useSaveSlaPolicy() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (p: { mode: 'create' | 'update'; body: unknown }) => sendJson('/api/sla/policies', p.mode === 'create' ? 'POST' : 'PUT', p.body, slaPolicySchema),
    // a policy re-evaluates its breaches, and one of the nine sets its stuck rule's time: the
    // queues, leakage, the KPIs, deals' open items and journeys all move, so every view reloads
    onSuccess: () => void qc.invalidateQueries(),
  });
}

export function useLeakage(params: Params) {
  const qs = queryString(params);
  return useQuery({ queryKey: ['leakage', qs], queryFn: ({ signal }) => fetchJson(`/api/leakage${qs}`, leakageResponseSchema, signal), placeholderData: keepPreviousData });
}
