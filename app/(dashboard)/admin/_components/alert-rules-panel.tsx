'use client';
// Alert rules: list, create (stuck-queue count or money, SLA breaches, flow error rate, a KPI off its target; to
// a generic JSON webhook or a Slack incoming webhook), enable/disable, delete.

import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { ALERT_CHANNELS, ALERT_KINDS, alertRuleSchema } from '@/lib/contracts/alerts';
import { sendJson } from '@/app/_hooks/fetch-json';
import { useAdminMutation, useAlertRules } from './use-admin';
import { AlertActivity } from './alert-activity';
import styles from './admin.module.css';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

const THRESHOLD_HINT: Record<(typeof ALERT_KINDS)[number], string> = {
  stuck_count: 'items',
  stuck_amount: 'money, in the reporting currency',
  flow_error_rate: 'failed share 0-1',
  sla_breaches: 'open breaches',
  kpi_off_target: 'share past the target 0-1, 0: any',
  assigned_work: 'hours late, 0: any',
};

/** What the optional `rule` field names, per kind. */
const RULE_HINT: Record<(typeof ALERT_KINDS)[number], string> = {
  stuck_count: 'stuck rule',
  stuck_amount: 'stuck rule',
  flow_error_rate: 'not used: every flow',
  sla_breaches: 'SLA policy',
  kpi_off_target: 'KPI',
  assigned_work: 'username: one person’s work',
};

export function AlertRulesPanel() {
  const rules = useAlertRules();
  const [f, setF] = useState({ name: '', kind: 'stuck_count' as (typeof ALERT_KINDS)[number], threshold: '10', rule: '', channel: 'webhook' as (typeof ALERT_CHANNELS)[number], url: '', reminder_minutes: '60' });
  const create = useAdminMutation(() =>
    sendJson(
      '/api/alerts/rules',
      'POST',
      {
        name: f.name,
        kind: f.kind,
        params: { threshold: Number(f.threshold), ...(f.rule ? { rule: f.rule } : {}) },
        channel: f.channel,
        url: f.url,
        reminder_minutes: Number(f.reminder_minutes),
      },
      z.object({ rule: alertRuleSchema }),
    ),
  );
  const patch = useAdminMutation((v: { id: string; enabled: boolean }) =>
    sendJson(`/api/alerts/rules/${encodeURIComponent(v.id)}`, 'PATCH', { enabled: v.enabled }, z.object({ rule: alertRuleSchema })),
  );
  const remove = useAdminMutation((id: string) => sendJson(`/api/alerts/rules/${encodeURIComponent(id)}`, 'DELETE', undefined, z.object({ deleted: z.boolean() })));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(undefined);
  };
  return (
    <section className="panel" data-testid="alert-rules-panel">
      <h2>Alert rules</h2>
      <form className={styles.form} onSubmit={submit}>
        <label>
          name
          <input value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} required />
        </label>
        <label>
          kind
          <select value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value as typeof f.kind })}>
            {ALERT_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          threshold ({THRESHOLD_HINT[f.kind]})
          <input value={f.threshold} onChange={(e) => setF({ ...f, threshold: e.target.value })} inputMode="decimal" required />
        </label>
        <label>
          {RULE_HINT[f.kind]} (optional)
          <input value={f.rule} onChange={(e) => setF({ ...f, rule: e.target.value })} placeholder="all" data-testid="alert-rule-target" />
        </label>
        <label>
          channel
          <select value={f.channel} onChange={(e) => setF({ ...f, channel: e.target.value as typeof f.channel })}>
            {ALERT_CHANNELS.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          webhook URL
          <input value={f.url} onChange={(e) => setF({ ...f, url: e.target.value })} type="url" required />
        </label>
        <label>
          remind every (min)
          <input value={f.reminder_minutes} onChange={(e) => setF({ ...f, reminder_minutes: e.target.value })} inputMode="numeric" />
        </label>
        <button className={styles.btn} type="submit">
          Add rule
        </button>
      </form>
      {[create.error, patch.error, remove.error].filter(Boolean).map((e) => (
        <p key={e!.message} className="error">{e!.message}</p>
      ))}
      <RefreshFailed query={rules} what="the alert rules" />
      {loadError(rules) && <div className="error">Could not load the alert rules: {loadError(rules)?.message}</div>}
      {rules.data && rules.data.rules.length === 0 && <div className="empty">No alert rules yet.</div>}
      {rules.data && rules.data.rules.length > 0 && (
        <table className="data">
          <thead>
            <tr>
              <th>name</th>
              <th>kind</th>
              <th className="num">threshold</th>
              <th>channel</th>
              <th>reminders</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rules.data.rules.map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                <td>
                  {r.kind}
                  {r.params.rule ? ` (${r.params.rule})` : ''}
                </td>
                <td className="num">{r.params.threshold}{r.kind === 'stuck_amount' && r.params.currency ? ` ${r.params.currency}` : ''}</td>
                <td>
                  {r.channel} <span className="muted mono">{r.url}</span>
                </td>
                <td>{r.reminder_minutes ? `every ${r.reminder_minutes} min` : 'none'}</td>
                <td className={styles.actions}>
                  <button className={styles.btn} onClick={() => patch.mutate({ id: r.id, enabled: !r.enabled })}>
                    {r.enabled ? 'Disable' : 'Enable'}
                  </button>
                  <button className={`${styles.btn} ${styles.danger}`} onClick={() => remove.mutate(r.id)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AlertActivity ruleName={(id) => rules.data?.rules.find((r) => r.id === id)?.name ?? id} />
    </section>
  );
}
