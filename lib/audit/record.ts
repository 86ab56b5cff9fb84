// The audit trail writer: who, what, why, when, outcome. Append-only: the code base only
// ever inserts rows (app/api/auth/auth.test.ts checks that no statement changes them).

import type { Store } from '../clickhouse/client';
import { chTime } from '../ingest/rows';

export interface AuditActor {
  id: string;
  name: string;
  role: string;
  via: string;
}

export interface AuditEntry {
  actor: AuditActor;
  /** e.g. action.resync, user.create, token.revoke, alert_rule.update, auth.login */
  action: string;
  target?: string;
  reason?: string;
  outcome: string;
  details?: unknown;
  ip?: string;
}

export const SYSTEM_ACTOR: AuditActor = { id: 'system', name: 'system', role: 'system', via: 'system' };

export async function recordAudit(store: Store, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const at = chTime(new Date().toISOString());
  const body = entries
    .map((e) =>
      JSON.stringify({
        at,
        actor_id: e.actor.id,
        actor_name: e.actor.name,
        actor_role: e.actor.role,
        via: e.actor.via,
        action: e.action,
        target: e.target ?? '',
        reason: e.reason ?? '',
        outcome: e.outcome,
        details: e.details === undefined ? '' : JSON.stringify(e.details),
        ip: e.ip ?? '',
      }),
    )
    .join('\n');
  await store.insertJsonEachRow('audit_log', body);
}

/** The caller's address as the proxy reports it (for the audit trail and login limits). */
export function clientIp(req: Request): string {
  const fwd = req.headers.get('x-forwarded-for');
  if (fwd) return fwd.split(',')[0].trim();
  return req.headers.get('x-real-ip') ?? 'local';
}

export function actorOf(p: { id: string; name: string; role: string; via: string }): AuditActor {
  return { id: p.id, name: p.name, role: p.role, via: p.via };
}
