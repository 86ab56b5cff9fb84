// Delivering one notice to a rule's channel: generic JSON webhook or Slack-compatible
// incoming webhook ({"text": …}). Every attempt is recorded in alert_deliveries; failures
// (network error, non-2xx) are retried with exponential backoff. The delivery id is sent
// as X-Cashtrace-Delivery so a receiver can drop a retry it already processed.

import type { Store } from '../clickhouse/client';
import { chTime } from '../ingest/rows';
import type { AlertNotification, AlertRule } from '../contracts/alerts';

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  timeoutMs: number;
}
// 6 attempts over ~30 s (1, 2, 4, 8, 16 s apart); a receiver down longer waits for the reminder.
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 1000, timeoutMs: 5000 };

type Wording = Record<AlertNotification['notice'], { icon: string; label: string }>;
const ALERT_WORDING: Wording = {
  opened: { icon: ':rotating_light:', label: 'Alert' },
  reminder: { icon: ':hourglass:', label: 'Still open' },
  resolved: { icon: ':white_check_mark:', label: 'Resolved' },
};
/** Work handed to someone is news, not an alarm. */
const ASSIGNED_WORDING: Wording = {
  opened: { icon: ':inbox_tray:', label: 'Assigned' },
  reminder: { icon: ':hourglass:', label: 'Still assigned, still needs work' },
  resolved: { icon: ':white_check_mark:', label: 'Done, snoozed or handed on' },
};

export function bodyFor(rule: AlertRule, n: AlertNotification): unknown {
  if (rule.channel === 'slack') {
    const { icon, label } = (rule.kind === 'assigned_work' ? ASSIGNED_WORDING : ALERT_WORDING)[n.notice];
    return { text: `${icon} *${label}: ${rule.name}*\n${n.summary}\n_since ${n.opened_at}_` };
  }
  return n;
}

async function recordAttempt(store: Store, n: AlertNotification, rule: AlertRule, attempt: number, ok: boolean, status: number, error: string) {
  await store.insertJsonEachRow(
    'alert_deliveries',
    JSON.stringify({
      delivery_id: n.delivery_id,
      incident_id: n.incident_id,
      rule_id: rule.id,
      notice: n.notice,
      channel: rule.channel,
      url_host: safeHost(rule.url),
      attempt,
      at: chTime(new Date().toISOString()),
      ok: ok ? 1 : 0,
      http_status: status,
      error: error.slice(0, 500),
    }),
  );
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/** Sends with retries; resolves true once delivered, false after the last failed attempt. */
export async function deliver(store: Store, rule: AlertRule, n: AlertNotification, policy: RetryPolicy = DEFAULT_RETRY): Promise<boolean> {
  const body = JSON.stringify(bodyFor(rule, n));
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    let status = 0;
    let error = '';
    try {
      const res = await fetch(rule.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'cashtrace-alerts', 'x-cashtrace-delivery': n.delivery_id },
        body,
        signal: AbortSignal.timeout(policy.timeoutMs),
        redirect: 'manual',
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        await recordAttempt(store, n, rule, attempt, true, status, '');
        return true;
      }
      error = `HTTP ${status}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    await recordAttempt(store, n, rule, attempt, false, status, error);
    if (attempt < policy.attempts) await new Promise((r) => setTimeout(r, policy.baseMs * 2 ** (attempt - 1)));
  }
  return false;
}
