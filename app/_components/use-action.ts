'use client';
// Hooks for actions: useRunAction() posts one (a fresh Idempotency-Key per intent, reused
// if the same intent is retried after a network error); useActionStatus(id) follows its
// lifecycle until it is verified, failed or timed out.

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import { actionCreatedSchema, actionSchema, TERMINAL_STATUSES, type Action, type ActionCreated, type ActionRequest } from '@/lib/contracts/actions';

export class ActionError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function useRunAction() {
  const keys = useRef(new Map<string, string>());
  return useMutation<ActionCreated, ActionError, ActionRequest>({
    mutationFn: async (body) => {
      const intent = JSON.stringify(body);
      const key = keys.current.get(intent) ?? crypto.randomUUID();
      keys.current.set(intent, key);
      const r = await fetch('/api/actions', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: intent });
      const json = (await r.json().catch(() => null)) as { error?: { message?: string } } | null;
      if (!r.ok) throw new ActionError(r.status, json?.error?.message ?? `request failed (${r.status})`);
      keys.current.delete(intent);
      return actionCreatedSchema.parse(json);
    },
  });
}

export function useActionStatus(id: string | null | undefined) {
  return useQuery<Action>({
    queryKey: ['action', id],
    enabled: !!id,
    queryFn: async () => {
      const r = await fetch(`/api/actions/${encodeURIComponent(id!)}`, { cache: 'no-store' });
      if (!r.ok) throw new Error(`GET /api/actions/${id}: ${r.status}`);
      return actionSchema.parse(await r.json());
    },
    refetchInterval: (q) => (q.state.data && TERMINAL_STATUSES.includes(q.state.data.status) ? false : 1000),
  });
}
