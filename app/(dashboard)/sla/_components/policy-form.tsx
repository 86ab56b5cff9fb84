'use client';
// The admin form for one SLA policy. The server validates (lib/contracts/sla.ts) and a
// refused save shows its reasons here; a saved change re-evaluates every breach.

import { useState } from 'react';
import { EVENT_TYPES } from '@/lib/events/catalogue';
import { BREACH_OWNER_LABEL, BREACH_OWNERS, SEVERITIES, defaultBreachOwner, type BreachOwner, type SlaPolicy } from '@/lib/contracts/sla';
import { MATCH_MODES, ANCHORS, TIME_UNITS } from '@/lib/sla/interval-spec';
import { STUCK_RULES, isStuckRuleName } from '@/lib/stuck/rules';
import { useSaveSlaPolicy } from '@/app/_hooks/use-views';
import { ApiRequestError, validationMessages } from '@/app/_hooks/fetch-json';
import styles from '@/app/_components/views.module.css';

/** A draft's owner is optional: until one is picked it follows the end events (defaultBreachOwner). */
export const NEW_POLICY: Omit<SlaPolicy, 'updated_at' | 'updated_by' | 'owner'> & { owner?: BreachOwner } = {
  id: '',
  name: '',
  description: '',
  start_events: ['invoice.issued'],
  end_events: ['payment.received'],
  match: 'record',
  anchor: 'occurred_at',
  threshold_hours: 24,
  unit: 'business',
  scope: { region: '', billing_model: '', legal_entity: '', customer_tier: '' },
  severity: 'medium',
  enabled: true,
};

type Draft = typeof NEW_POLICY;

export function PolicyForm({ initial, mode, onDone }: { initial: Draft; mode: 'create' | 'update'; onDone: () => void }) {
  const [p, setP] = useState<Draft>(initial);
  const save = useSaveSlaPolicy();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setP({ ...p, [k]: v });
  const multi = (e: React.ChangeEvent<HTMLSelectElement>) => [...e.target.selectedOptions].map((o) => o.value) as Draft['start_events'];
  const rule = mode === 'update' && isStuckRuleName(p.id) ? STUCK_RULES[p.id] : null;
  return (
    <form
      className="panel"
      data-testid="policy-form"
      onSubmit={(e) => {
        e.preventDefault();
        const body = { ...p, id: p.id || undefined };
        save.mutate({ mode, body }, { onSuccess: onDone });
      }}
    >
      <h2 className={styles.sectionTitle}>{mode === 'create' ? 'New policy' : `Edit ${p.id}`}</h2>
      {rule && (
        <p className="muted" data-testid="policy-rule-note">
          This policy’s threshold and time also set the stuck rule “{rule.title}” (owner {rule.owner}): its stuck-work queue, each deal’s open items and
          journey due dates, and the alerts on that queue; the rule keeps its own events, matching and start. Disabling the policy stops its breach counting, not the queue.
        </p>
      )}
      <div className={styles.form}>
        <label>Name<input value={p.name} onChange={(e) => set('name', e.target.value)} data-testid="policy-name" /></label>
        <label>Severity
          <select value={p.severity} onChange={(e) => set('severity', e.target.value as Draft['severity'])}>
            {SEVERITIES.map((s) => <option key={s}>{s}</option>)}
          </select>
        </label>
        <label title="Who works its open breaches on /sla: acknowledges, assigns, snoozes, resolves them">Breaches worked by
          <select value={p.owner ?? defaultBreachOwner(p)} disabled={!!rule} onChange={(e) => set('owner', e.target.value as BreachOwner)} data-testid="policy-owner">
            {BREACH_OWNERS.map((o) => <option key={o} value={o}>{BREACH_OWNER_LABEL[o]}</option>)}
          </select>
        </label>
        <label className={styles.formWide}>Description<input value={p.description} onChange={(e) => set('description', e.target.value)} /></label>
        <label>Start events (any of)
          <select multiple size={5} value={p.start_events} onChange={(e) => set('start_events', multi(e))}>
            {EVENT_TYPES.map((t) => <option key={t}>{t}</option>)}
          </select>
        </label>
        <label>End events (any of)
          <select multiple size={5} value={p.end_events} onChange={(e) => set('end_events', multi(e))}>
            {EVENT_TYPES.map((t) => <option key={t}>{t}</option>)}
          </select>
        </label>
        <label>Match end to start
          <select value={p.match} onChange={(e) => set('match', e.target.value as Draft['match'])}>
            {MATCH_MODES.map((m) => <option key={m}>{m}</option>)}
          </select>
        </label>
        <label>Clock starts at
          <select value={p.anchor} onChange={(e) => set('anchor', e.target.value as Draft['anchor'])}>
            {ANCHORS.map((m) => <option key={m}>{m}</option>)}
          </select>
        </label>
        <label>Threshold (hours)<input type="number" step="any" value={p.threshold_hours} onChange={(e) => set('threshold_hours', Number(e.target.value))} data-testid="policy-threshold" /></label>
        <label>Time
          <select value={p.unit} onChange={(e) => set('unit', e.target.value as Draft['unit'])}>
            {TIME_UNITS.map((m) => <option key={m} value={m}>{m} hours</option>)}
          </select>
        </label>
        {(['region', 'billing_model', 'legal_entity', 'customer_tier'] as const).map((k) => (
          <label key={k}>Scope: {k.replace('_', ' ')}<input value={p.scope[k]} placeholder="any" onChange={(e) => set('scope', { ...p.scope, [k]: e.target.value })} /></label>
        ))}
        <label><span><input type="checkbox" checked={p.enabled} onChange={(e) => set('enabled', e.target.checked)} /> enabled</span></label>
      </div>
      {save.error && (
        <div className={styles.issues} role="alert" data-testid="policy-errors">
          {/* a refused save's reasons, one per line (the API's details.issues) */}
          {(save.error instanceof ApiRequestError && validationMessages(save.error.details)?.join('\n')) || save.error.message}
        </div>
      )}
      <div className="toolbar" style={{ marginTop: 12 }}>
        <button type="submit" className={styles.button} disabled={save.isPending} data-testid="policy-save">{save.isPending ? 'Saving…' : 'Save policy'}</button>
        <button type="button" className={styles.button} onClick={onDone}>Cancel</button>
      </div>
    </form>
  );
}
