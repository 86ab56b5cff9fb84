'use client';
// Admin hooks: users, API tokens, alert rules and the audit trail, over /api/admin/*,
// /api/alerts/* and /api/audit (schemas from lib/contracts).

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiTokenSchema, userSchema } from '@/lib/contracts/auth';
import { alertRuleSchema } from '@/lib/contracts/alerts';
import { auditRowSchema, type AuditRow } from '@/lib/contracts/audit';
import { fetchJson } from '@/app/_hooks/fetch-json';

export function useUsers() {
  return useQuery({ queryKey: ['admin', 'users'], queryFn: () => fetchJson('/api/admin/users', z.object({ users: z.array(userSchema) })) });
}

export function useTokens() {
  return useQuery({ queryKey: ['admin', 'tokens'], queryFn: () => fetchJson('/api/admin/tokens', z.object({ tokens: z.array(apiTokenSchema) })) });
}

export function useAlertRules() {
  return useQuery({ queryKey: ['admin', 'alert-rules'], queryFn: () => fetchJson('/api/alerts/rules', z.object({ rules: z.array(alertRuleSchema) })) });
}

export type AuditEntry = AuditRow;

export function useAudit(params: Record<string, string>) {
  const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
  return useQuery({ queryKey: ['admin', 'audit', qs], queryFn: () => fetchJson(`/api/audit?${qs}`, z.object({ entries: z.array(auditRowSchema), next_cursor: z.string().nullable() })), placeholderData: keepPreviousData });
}

/** A mutation that refreshes the admin queries afterwards. */
export function useAdminMutation<V, T>(fn: (v: V) => Promise<T>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: ['admin'] }) });
}
