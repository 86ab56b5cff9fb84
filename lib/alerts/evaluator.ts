// The alert evaluator: every CASHTRACE_ALERT_INTERVAL_S, each enabled rule's breaches are
// compared with its open incidents (alert_incidents). A new breach opens an incident and
// sends one 'opened' notice; while it stays open a 'reminder' follows every
// reminder_minutes; when the breach disappears one 'resolved' notice is sent (a breach known to
// have begun before its rule was saved opens without one: see Breach.since). The incident
// row is written before its notice goes out, so no breach is announced twice.

import crypto from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { env } from '../env';
import { chTime } from '../ingest/rows';
import type { Runtime } from '../runtime';
import { chIso } from '../actions/exceptions';
import type { AlertNotification, AlertRule, Notice } from '../contracts/alerts';
import { deliver, DEFAULT_RETRY, type RetryPolicy } from './deliver';
import { listAlertRules } from './rules';
import { breachesOf, type Breach } from './signals';

const incidentSchema = z.object({
  incident_id: z.string(),
  rule_id: z.string(),
  breach_key: z.string(),
  state: z.enum(['open', 'resolved']),
  summary: z.string(),
  value: z.coerce.number(),
  opened_at: chIso,
  last_notified_at: chIso,
  reminders: z.coerce.number(),
  resolved_at: chIso.nullable(),
});
export type Incident = z.infer<typeof incidentSchema>;

let seq = 0;
async function writeIncidents(store: Store, rows: Incident[]): Promise<void> {
  if (rows.length === 0) return;
  const t = (s: string | null) => (s ? chTime(s) : null);
  await store.insertJsonEachRow(
    'alert_incidents',
    rows
      .map((r) =>
        JSON.stringify({ ...r, opened_at: t(r.opened_at), last_notified_at: t(r.last_notified_at), resolved_at: t(r.resolved_at), version: Date.now() * 1000 + (seq++ % 1000) }),
      )
      .join('\n'),
  );
}

export async function openIncidents(store: Store): Promise<Incident[]> {
  return store.query(sql`SELECT * EXCEPT (version) FROM alert_incidents FINAL WHERE state = 'open'`, incidentSchema);
}

export interface PassResult {
  notices: AlertNotification[];
  /** Resolves when every notice of the pass is delivered or has given up. */
  delivered: Promise<boolean[]>;
  skipped: { rule_id: string; reason: string }[];
}

export async function evaluateAlerts(rt: Runtime, now = new Date(), retry: RetryPolicy = DEFAULT_RETRY): Promise<PassResult> {
  const rules = (await listAlertRules(rt.store)).filter((r) => r.enabled);
  const open = await openIncidents(rt.store);
  const notices: { rule: AlertRule; n: AlertNotification }[] = [];
  const changed: Incident[] = [];
  const skipped: PassResult['skipped'] = [];
  const nowIso = now.toISOString();
  const notice = (rule: AlertRule, inc: Incident, kind: Notice, b: { value: number; summary: string }) =>
    notices.push({
      rule,
      n: {
        notice: kind,
        delivery_id: `${inc.incident_id}:${kind}:${kind === 'reminder' ? inc.reminders : 0}`,
        incident_id: inc.incident_id,
        rule: { id: rule.id, name: rule.name, kind: rule.kind },
        breach_key: inc.breach_key,
        summary: b.summary,
        value: b.value,
        threshold: rule.params.threshold,
        opened_at: inc.opened_at,
        at: nowIso,
      },
    });
  for (const rule of rules) {
    let breaches: Breach[];
    try {
      breaches = await breachesOf(rt.store, rule, now);
    } catch (err) {
      skipped.push({ rule_id: rule.id, reason: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const mine = new Map(open.filter((i) => i.rule_id === rule.id).map((i) => [i.breach_key, i]));
    for (const b of breaches) {
      const cur = mine.get(b.key);
      mine.delete(b.key);
      if (!cur) {
        const inc: Incident = {
          incident_id: `inc_${crypto.randomBytes(8).toString('hex')}`,
          rule_id: rule.id,
          breach_key: b.key,
          state: 'open',
          summary: b.summary,
          value: b.value,
          opened_at: nowIso,
          last_notified_at: nowIso,
          reminders: 0,
          resolved_at: null,
        };
        changed.push(inc);
        // a rule saved over work already handed out (assigned_work) tells of what is assigned
        // from then on, not of every item at once: those open quietly (resolved, they say so)
        if (!(b.since && Date.parse(b.since) < Date.parse(rule.updated_at))) notice(rule, inc, 'opened', b);
      } else if (rule.reminder_minutes > 0 && now.getTime() - Date.parse(cur.last_notified_at) >= rule.reminder_minutes * 60_000) {
        const inc = { ...cur, summary: b.summary, value: b.value, last_notified_at: nowIso, reminders: cur.reminders + 1 };
        changed.push(inc);
        notice(rule, inc, 'reminder', b);
      }
    }
    for (const cur of mine.values()) {
      const inc: Incident = { ...cur, state: 'resolved', resolved_at: nowIso, last_notified_at: nowIso };
      changed.push(inc);
      notice(rule, inc, 'resolved', { value: cur.value, summary: `resolved: ${cur.summary}` });
    }
  }
  // Incidents of rules that were disabled or deleted close without a notice.
  const live = new Set(rules.map((r) => r.id));
  for (const cur of open) if (!live.has(cur.rule_id)) changed.push({ ...cur, state: 'resolved', resolved_at: nowIso });
  await writeIncidents(rt.store, changed);
  const delivered = Promise.all(notices.map(({ rule, n }) => deliver(rt.store, rule, n, retry)));
  return { notices: notices.map((x) => x.n), delivered, skipped };
}

/** The evaluator loop inside the app process; returns a stop function. */
export function startAlertEvaluator(rt: Runtime, intervalS = env().CASHTRACE_ALERT_INTERVAL_S): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    evaluateAlerts(rt)
      .then((p) => p.delivered)
      .catch((err) => console.error('[alerts] evaluation failed:', err))
      .finally(() => {
        running = false;
      });
  }, intervalS * 1000);
  timer.unref?.();
  return () => clearInterval(timer);
}
