'use client';
// SLA: policies with their compliance (an admin edits them here), breaches over time and
// by dimension, the breach records (open by absence, or late arrivals), business calendars.

import Link from 'next/link';
import { useState } from 'react';
import { useSearchParams } from 'next/navigation';
import { DIMENSIONS, type Dimension } from '@/lib/events/catalogue';
import { formatHours, formatMoney, formatPercent } from '@/lib/money/format';
import { BREACH_OWNER_LABEL, SLA_FIRST_VIEW, type SlaBreach } from '@/lib/contracts/sla';
import { isStuckRuleName } from '@/lib/stuck/rules';
import { FilterBar, useFilters } from '@/app/_components/filter-bar';
import { useSlaBreaches, useSlaPolicies } from '@/app/_hooks/use-views';
import { queryString } from '@/app/_hooks/fetch-json';
import { Pager, useCursorPages } from '@/app/_components/pager';
import styles from '@/app/_components/views.module.css';
import { NEW_POLICY, PolicyForm } from './policy-form';
import { BreachesByDimension, BreachesOverTime } from './breach-charts';
import { ExportCsv } from '@/app/_components/export-csv';
import { ExceptionState, StuckActions } from '@/app/_components/stuck-actions';
import { AssigneeFilter, StateFilter, filterWords } from '@/app/_components/assign';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function SlaView() {
  const filters = useFilters();
  const [by, setBy] = useState<Dimension>(SLA_FIRST_VIEW.by);
  const [kind, setKind] = useState<'' | 'open' | 'late'>('');
  const sp = useSearchParams();
  const [policy, setPolicy] = useState(sp.get('policy') ?? '');
  // the open breaches' workflow filters (a link may set them: ?assignee=<me>&state=active)
  const [assignee, setAssignee] = useState(sp.get('assignee') ?? '');
  const [state, setState] = useState(sp.get('state') ?? '');
  const [editing, setEditing] = useState<{ mode: 'create' | 'update'; id: string } | null>(null);
  const policies = useSlaPolicies();
  const base = { ...filters, by, kind: kind || undefined, limit: SLA_FIRST_VIEW.limit };
  // every policy's compliance (the policies table, the headline): the first page of the
  // unfiltered list, so with no policy chosen on page 1 the two are one request
  const overall = useSlaBreaches(base);
  const listParams = { ...base, policy: policy || undefined, assignee: assignee || undefined, state: state || undefined };
  const pages = useCursorPages(JSON.stringify(listParams));
  // the charts and the records: the chosen policy's, one page
  const breaches = useSlaBreaches({ ...listParams, cursor: pages.cursor });
  const stats = (id: string) => overall.data?.policies.find((p) => p.policy_id === id);
  const show = (id: string, k: 'open' | 'late') => {
    setPolicy(id);
    setKind(k);
    document.getElementById('sla-breach-records')?.scrollIntoView({ behavior: 'smooth' });
  };
  const editingPolicy = editing?.mode === 'update' ? policies.data?.policies.find((p) => p.id === editing.id) : undefined;

  return (
    <div>
      <div className={styles.head}>
        <div>
          <h1>SLA</h1>
          <p className="subtitle">
            Breaches are computed from the events, so a policy change re-evaluates history.
            {overall.data && <> Overall compliance <strong>{formatPercent(overall.data.compliance)}</strong>.</>}
          </p>
        </div>
        <button type="button" className={styles.button} onClick={() => setEditing({ mode: 'create', id: '' })} data-testid="policy-new">+ New policy</button>
      </div>
      <FilterBar />
      {editing && (
        <PolicyForm key={`${editing.mode}:${editing.id}`} mode={editing.mode} initial={editingPolicy ?? NEW_POLICY} onDone={() => setEditing(null)} />
      )}
      <section className="panel">
        <h2 className={styles.sectionTitle}>Policies</h2>
        <RefreshFailed query={policies} what="the policies" />
        <RefreshFailed query={overall} what="their compliance" />
        {loadError(policies) ? (
          <div className="error">Could not load the policies: {loadError(policies)?.message}</div>
        ) : policies.isLoading || !policies.data ? (
          <div className="loading">Loading policies…</div>
        ) : (
          <table className="data" data-testid="sla-policies">
            <thead>
              <tr><th>Policy</th><th>Clock</th><th className="num">Threshold</th><th>Scope</th><th>Severity</th><th className="num">Compliance</th><th className="num">Open</th><th className="num">Late</th><th /></tr>
            </thead>
            <tbody>
              {policies.data.policies.map((p) => {
                const s = stats(p.id);
                const scope = Object.entries(p.scope).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join(', ');
                return (
                  <tr key={p.id} data-testid={`policy-${p.id}`}>
                    <td><strong>{p.name}</strong>{!p.enabled && <span className="badge"> disabled</span>}<div className="muted" style={{ fontSize: 12 }}>
                        {p.id}
                        <br />
                        <span data-testid={`policy-owner-${p.id}`}>worked by {BREACH_OWNER_LABEL[p.owner]}</span>
                        {isStuckRuleName(p.id) && (
                          <>
                            {' · sets the '}
                            <Link href={`/stuck${queryString({ rule: p.id })}`} data-testid={`policy-queue-${p.id}`}>stuck queue</Link>
                          </>
                        )}
                      </div>
                    </td>
                    <td className={`mono wrap ${styles.wrapMono}`}>{p.start_events.join(' | ')} → {p.end_events.join(' | ')}</td>
                    <td className="num">{formatHours(p.threshold_hours)} {p.unit}</td>
                    <td>{scope || <span className="muted">all</span>}</td>
                    <td><span className={`badge ${p.severity === 'critical' || p.severity === 'high' ? 'bad' : 'warn'}`}>{p.severity}</span></td>
                    <td className="num">{s ? formatPercent(s.compliance) : '…'}</td>
                    <td className="num">{s ? <button type="button" className={styles.sort} title="Show these breaches" onClick={() => show(p.id, 'open')} data-testid={`policy-open-${p.id}`}>{s.open_breaches}</button> : '…'}</td>
                    <td className="num">{s ? <button type="button" className={styles.sort} title="Show these breaches" onClick={() => show(p.id, 'late')}>{s.late_arrivals}</button> : '…'}</td>
                    <td><button type="button" className={styles.button} onClick={() => setEditing({ mode: 'update', id: p.id })} data-testid={`policy-edit-${p.id}`}>Edit</button></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <RefreshFailed query={breaches} what="the breaches" />
      {loadError(breaches) && <div className="error">Could not compute breaches: {loadError(breaches)?.message}</div>}
      {breaches.data && (
        <div className={styles.two}>
          <section className="panel">
            <h2 className={styles.sectionTitle}>Breaches over time (by week the clock started)</h2>
            <BreachesOverTime data={breaches.data} />
          </section>
          <section className="panel">
            <div className="toolbar" style={{ justifyContent: 'space-between' }}>
              <h2 className={styles.sectionTitle} style={{ margin: 0 }}>By dimension</h2>
              <select value={by} onChange={(e) => setBy(e.target.value as Dimension)} aria-label="Breaches by">
                {DIMENSIONS.map((d) => <option key={d} value={d}>{d.replace('_', ' ')}</option>)}
              </select>
            </div>
            <BreachesByDimension data={breaches.data} />
          </section>
        </div>
      )}
      <section className="panel" id="sla-breach-records">
        <div className="toolbar">
          <h2 className={styles.sectionTitle} style={{ margin: 0, marginRight: 'auto' }} data-testid="sla-breaches-title" data-total={breaches.data?.total}>Breaches {breaches.data ? `(${breaches.data.total.toLocaleString('en')})` : ''}</h2>
          <select value={policy} onChange={(e) => setPolicy(e.target.value)} aria-label="Breach policy" data-testid="sla-breach-policy">
            <option value="">every policy</option>
            {policies.data?.policies.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
          <select value={kind} onChange={(e) => setKind(e.target.value as '' | 'open' | 'late')} aria-label="Breach kind" data-testid="sla-breach-kind">
            <option value="">open and late</option>
            <option value="open">open (next event never came)</option>
            <option value="late">late arrivals</option>
          </select>
          <AssigneeFilter value={assignee} onChange={setAssignee} testId="sla-breach-assignee" />
          <StateFilter value={state} onChange={setState} testId="sla-breach-state-filter" />
          <ExportCsv href={`/api/sla/breaches${queryString({ ...listParams, limit: undefined, format: 'csv' })}`} testId="sla-breaches-csv" />
        </div>
        {!breaches.data ? (
          <div className="loading">Evaluating policies…</div>
        ) : breaches.data.breaches.length === 0 ? (
          <div className="empty">No {assignee || state ? 'open ' : ''}breaches{filterWords({ assignee, state })}.</div>
        ) : (
          <table className="data" data-testid="sla-breaches">
            <thead><tr><th>Kind</th><th>Policy · record</th><th>Customer</th><th>Started</th><th>Ended</th><th className="num">Over by</th><th className="num">Value</th><th>Work</th></tr></thead>
            <tbody>
              {breaches.data.breaches.map((b) => (
                <tr key={`${b.policy_id}:${b.entity_key}:${b.started_at}`} data-testid="sla-breach-row" data-policy={b.policy_id} data-kind={b.kind} data-key={`${b.policy_id}|${b.entity_key}|${b.started_at}`}>
                  <td><span className={`badge ${b.kind === 'open' ? 'bad' : 'warn'}`}>{b.kind}</span></td>
                  {/* the policy above its record, as a multi-queue table names each row's queue: the work column needs the room */}
                  <td className="wrap">
                    <span className={`badge ${styles.queue}`} data-testid="sla-breach-policy-id">{b.policy_id}</span>
                    <Link className="mono" href={`/deals/${encodeURIComponent(b.correlation_id)}`}>{b.entity_key}</Link>
                  </td>
                  <td className="name">{b.customer}</td>
                  {/* date and time may wrap onto two lines: a wider currency ("US$") still fits a laptop */}
                  <td className="breakable">{b.started_at.slice(0, 16).replace('T', ' ')}</td>
                  <td className="breakable">{b.ended_at ? b.ended_at.slice(0, 16).replace('T', ' ') : <span className="muted">—</span>}</td>
                  <td className="num">{formatHours(b.late_hours)}</td>
                  <td className="num">{formatMoney(b.value, breaches.data!.reporting_currency)}</td>
                  <BreachWork b={b} />
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager pages={pages} data={breaches.data} testId="sla-breaches-pager" noun="breaches" />
      </section>
      <section className="panel" data-testid="sla-calendars">
        <h2 className={styles.sectionTitle}>Business calendars</h2>
        <p className="muted" style={{ fontSize: 12, marginTop: -4 }}>Business time stops on non-working days and holidays of the deal’s legal entity (its calendar’s days: UTC unless a time zone is configured). This year’s and next year’s holidays are listed; the calendars’ rules give them for 2000–2100 (Singapore’s Chinese New Year computed from the moon and sun). An administrator adds holidays (a closure, a lunar date), calendars, working weeks and which legal entity follows which with a calendar file (CASHTRACE_CALENDARS; see the README).</p>
        <div className="grid cols-3">
          {policies.data?.calendars.map((c) => (
            <div key={c.id} className="tile">
              <div className="label">{c.name}</div>
              <div className="sub">{c.legal_entities.length ? c.legal_entities.map((l) => (l === '*' ? 'every other entity' : l)).join(', ') : 'no legal entity follows it'}</div>
              <div className="sub">Working days: {[...c.working_days].sort((a, b) => (a % 7) - (b % 7)).map((d) => WEEKDAYS[d]).join(' ')}</div>
              <div className="sub">Days in {c.timezone ?? 'UTC'}</div>
              <ul style={{ margin: '6px 0 0', paddingLeft: 16, fontSize: 12 }}>
                {c.holidays.map((h) => <li key={`${h.date} ${h.name}`}>{h.date} — {h.name}</li>)}
              </ul>
            </div>
          ))}
        </div>
      </section>
    </div>
  );
}

/**
 * An open breach is worked here: a stuck rule's policy's is that queue's stuck item, with its
 * state and the same controls as on /stuck (re-sync, acknowledge, assign, snooze, resolve; each
 * hidden from roles that may not use it); another policy's has the same controls for its
 * owner's role (re-sync to the system its end events come from). A late arrival needs no work.
 */
function BreachWork({ b }: { b: SlaBreach }) {
  if (!b.exception_id) {
    return (
      <td className="muted" title="the event came, late: nothing left to do" data-testid="sla-breach-no-work">
        —
      </td>
    );
  }
  const item = { id: b.exception_id, rule: b.policy_id, ownerRole: b.owner, resyncTarget: b.resync_target, entity_key: b.entity_key, since: b.started_at, state: b.state, assignee: b.assignee };
  return (
    <td className={styles.actions}>
      <div data-testid="sla-breach-state" style={{ marginBottom: 4 }}>
        <ExceptionState item={b} />
      </div>
      <StuckActions item={item} />
    </td>
  );
}
