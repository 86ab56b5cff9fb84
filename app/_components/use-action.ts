'use client';
// Hooks for actions: useRunAction() posts one (a fresh Idempotency-Key per intent, reused
// if the same intent is retried after a network error); useActionStatus(id) follows its
// lifecycle until it is verified, failed or timed out.

import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
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

/** The queries a workflow change shows in: the queues and who holds their work (with the nav's count), unstaffed projects, a journey's open records, open SLA breaches. */
const QUEUE_KEYS = ['stuck-items', 'unstaffed', 'stuck-workload', 'deal-open-items', 'stuck-summary', 'sla-breaches'];
/** Reloads them at once, not at their next poll. */
export function refreshQueues(qc: QueryClient): void {
  void qc.invalidateQueries({ predicate: (q) => QUEUE_KEYS.includes(String(q.queryKey[0])) });
}
/** The actions that change an item's workflow state, done (verified) when the request returns. */
const WORKFLOW_KINDS: readonly string[] = ['acknowledge', 'assign', 'snooze', 'resolve'];

export function useRunAction() {
  const keys = useRef(new Map<string, string>());
  const qc = useQueryClient();
  return useMutation<ActionCreated, ActionError, ActionRequest>({
    // here rather than in the control: a snoozed or resolved row may leave its list (and the
    // control unmount) before it could tell the queues; this runs whatever became of it
    onSuccess: (_created, body) => {
      if (WORKFLOW_KINDS.includes(body.kind)) refreshQueues(qc);
    },
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
