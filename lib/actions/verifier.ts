// The closed loop: follows each sent command until the downstream events confirm it.
// A connector answers only with canonical events (docs/connectors.md):
//   sync.requested  ▶ acknowledged (the connector took the command)
//   sync.failed     ▶ failed, with attributes.error (or its status) as the reason
//   sync.succeeded or the resulting business event ▶ verified
// Events are matched by attributes.action_id, or — for connectors that cannot stamp it —
// by a sync.* event about the same record (refs) and target (attributes.flow_target)
// received after the request. Past CASHTRACE_ACTION_TIMEOUT_S the action is timed_out.

import { z } from 'zod';
import { sql } from '../clickhouse/sql';
import { env } from '../env';
import type { Runtime } from '../runtime';
import { recordAudit } from '../audit/record';
import type { ActionStatus } from '../contracts/actions';
import { STATUS_RANK } from '../contracts/actions';
import { chIso } from './exceptions';
import { appendStatus, pendingCommandActions, type StatusStep } from './store';

const matchSchema = z.object({
  type: z.string(),
  status: z.string(),
  entity_key: z.string(),
  action_id: z.string(),
  message: z.string(),
  flow_target: z.string(),
  refs: z.array(z.string()),
  received_at: chIso,
});
type Match = z.infer<typeof matchSchema>;

const LOOKBACK_DAYS = 7;

function stepFor(m: Match): { status: ActionStatus; detail: string } | null {
  if (m.type === 'sync.requested') return { status: 'acknowledged', detail: `connector acknowledged (${m.entity_key})` };
  if (m.type === 'sync.failed') return { status: 'failed', detail: m.message || m.status || 'the target system refused the record' };
  return { status: 'verified', detail: `${m.type} ${m.entity_key} arrived` };
}

/** One pass of the verifier; returns the steps it recorded. */
export async function verifyPending(rt: Runtime, now = new Date()): Promise<StatusStep[]> {
  const pending = await pendingCommandActions(rt.store, new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000));
  if (pending.length === 0) return [];
  const ids = pending.map((p) => p.action_id);
  const keys = [...new Set(pending.map((p) => p.entity_key))];
  const since = new Date(Math.min(...pending.map((p) => Date.parse(p.requested_at))) - 1000);
  const matches = await rt.store.query(
    sql`SELECT type, status, entity_key, attributes['action_id'] AS action_id, attributes['error'] AS message,
               attributes['flow_target'] AS flow_target, refs, received_at
        FROM events
        WHERE received_at >= ${since}
          AND (has(${ids}, attributes['action_id'])
               OR (type IN ('sync.requested', 'sync.succeeded', 'sync.failed') AND hasAny(refs, ${keys})))
        ORDER BY received_at`,
    matchSchema,
  );
  const steps: StatusStep[] = [];
  const timeoutMs = env().CASHTRACE_ACTION_TIMEOUT_S * 1000;
  for (const a of pending) {
    const mine = matches.filter((m) =>
      m.action_id ? m.action_id === a.action_id : m.refs.includes(a.entity_key) && m.flow_target === a.target && m.received_at >= a.requested_at,
    );
    let best: { status: ActionStatus; detail: string } | null = null;
    let ack: { status: ActionStatus; detail: string } | null = null;
    for (const m of mine) {
      const s = stepFor(m);
      if (s?.status === 'acknowledged') ack ??= s;
      if (s && (!best || STATUS_RANK[s.status] > STATUS_RANK[best.status])) best = s;
    }
    if (best && STATUS_RANK[best.status] > STATUS_RANK[a.status]) {
      // The connector's acknowledgement and its result can arrive within one pass: both
      // are recorded (same time, ordered by rank), so the history shows every step seen.
      if (ack && ack !== best && STATUS_RANK[ack.status] > STATUS_RANK[a.status]) steps.push({ action_id: a.action_id, ...ack });
      steps.push({ action_id: a.action_id, ...best });
    } else if (now.getTime() - Date.parse(a.requested_at) > timeoutMs) {
      steps.push({ action_id: a.action_id, status: 'timed_out', detail: `no confirming event within ${env().CASHTRACE_ACTION_TIMEOUT_S} s` });
    }
  }
  await appendStatus(rt.store, steps);
  const byId = new Map(pending.map((p) => [p.action_id, p]));
  const finished = steps.filter((s) => STATUS_RANK[s.status] === 3);
  await recordAudit(
    rt.store,
    finished.map((s) => {
      const a = byId.get(s.action_id)!;
      return {
        actor: { id: a.requested_by, name: a.requested_by_name, role: a.requested_role, via: 'system' },
        action: `action.${a.kind}`,
        target: a.entity_key,
        reason: a.reason,
        outcome: s.status,
        details: { action_id: a.action_id, detail: s.detail },
      };
    }),
  );
  return steps;
}

/** The verifier loop inside the app process; returns a stop function. */
export function startVerifier(rt: Runtime, intervalMs = env().CASHTRACE_VERIFIER_INTERVAL_MS): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    verifyPending(rt)
      .catch((err) => console.error('[actions] verifier pass failed:', err))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
