'use client';
// The settings the figures are computed with (GET /api/admin/settings): reporting currency
// and exchange rates, KPI targets, business calendars. Rates and targets are edited here
// (PUT: every process reads them within seconds; each change in the audit trail); the
// reporting currency and the calendars are environment settings, read at start.

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchJson, sendJson } from '@/app/_hooks/fetch-json';
import { settingsResponseSchema, type SettingsChangeRequest, type SettingsResponse } from '@/lib/contracts/settings';
import { formatKpi } from '../../_components/kpi-tile';
import styles from './admin.module.css';

type Kpi = SettingsResponse['kpi_targets'][number];
const UNIT_SUFFIX: Record<Kpi['unit'], string> = { days: 'd', hours: 'h', share: '%' };
/** A target as typed in its field: days, hours, or a share in percent. */
const shown = (k: Pick<Kpi, 'unit'>, v: number) => String(k.unit === 'share' ? Number((v * 100).toPrecision(10)) : v);
const stored = (k: Pick<Kpi, 'unit'>, v: number) => (k.unit === 'share' ? Number((v / 100).toPrecision(10)) : v);
const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');
/** A rate as shown in its field: six significant digits (a restated built-in rate has twelve). */
const shownRate = (rate: number) => String(Number(rate.toPrecision(6)));

function useSaveSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SettingsChangeRequest) => sendJson('/api/admin/settings', 'PUT', body, settingsResponseSchema),
    onSuccess: (data) => {
      qc.setQueryData(['admin', 'settings'], data);
      // every figure may move: KPIs (targets), every total (rates)
      void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'admin' || q.queryKey[1] === 'audit' });
    },
  });
}

/** Parses the edited fields; a field that is not a number is a problem, not a reset. */
function parseEdits(edits: Record<string, string>, label: (key: string) => string): { values: Record<string, number>; problems: string[] } {
  const values: Record<string, number> = {};
  const problems: string[] = [];
  for (const [key, text] of Object.entries(edits)) {
    const n = Number(text.trim().replace(',', '.'));
    if (text.trim() === '' || !Number.isFinite(n)) problems.push(`${label(key)}: "${text}" is not a number`);
    else values[key] = n;
  }
  return { values, problems };
}

function RatesTile({ s }: { s: SettingsResponse }) {
  const save = useSaveSettings();
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [add, setAdd] = useState({ currency: '', rate: '' });
  const [note, setNote] = useState<string | null>(null);
  const cur = s.reporting_currency;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const all = { ...edits, ...(add.currency.trim() ? { [add.currency.trim().toUpperCase()]: add.rate } : {}) };
    const { values, problems } = parseEdits(all, (c) => `${c} rate`);
    if (problems.length || Object.keys(values).length === 0) {
      setNote(problems.length ? problems.join('; ') : 'nothing changed');
      return;
    }
    setNote(null);
    save.mutate(
      { fx_rates: values },
      {
        onSuccess: () => {
          setEdits({});
          setAdd({ currency: '', rate: '' });
          const restated = cur !== 'EUR' && values.EUR !== undefined ? ' The built-in rates, which are to the euro, are restated through it.' : '';
          setNote(`Saved ${Object.entries(values).map(([c, r]) => `${c} = ${r} ${cur}`).join(', ')}. Totals are recomputed with it (read from the events until the clocks are rebuilt).${restated}`);
        },
      },
    );
  };
  const reset = (currency: string) => {
    setNote(null);
    save.mutate({ fx_rates: { [currency]: null } }, { onSuccess: () => setNote(`${currency}: back to its ${s.fx_rates.find((r) => r.currency === currency)?.default_rate != null ? 'configured rate' : 'unpriced state (no rate)'}.`) });
  };
  return (
    <form className="tile" data-testid="settings-currency" onSubmit={submit}>
      <div className="label">Reporting currency</div>
      <div className="value">{cur}</div>
      <table className="data" style={{ marginTop: 8 }}>
        <thead><tr><th>currency</th><th className="num">{cur} per unit</th><th>source</th></tr></thead>
        <tbody>
          {s.fx_rates.map((r) => (
            <tr key={r.currency} data-testid={`settings-rate-${r.currency}`}>
              <td>{r.currency}</td>
              <td className="num">
                {r.source === 'reporting currency' ? (
                  r.rate
                ) : (
                  <input
                    aria-label={`${r.currency} rate`}
                    inputMode="decimal"
                    style={{ width: 84, textAlign: 'right', font: 'inherit' }}
                    title={String(r.rate)}
                    value={edits[r.currency] ?? shownRate(r.rate)}
                    onChange={(e) => setEdits(e.target.value === shownRate(r.rate) ? Object.fromEntries(Object.entries(edits).filter(([c]) => c !== r.currency)) : { ...edits, [r.currency]: e.target.value })}
                  />
                )}
              </td>
              <td className="muted id" style={{ fontSize: 12 }}>
                {r.set ? (
                  <>
                    <span title={`set at ${when(r.set.updated_at)} UTC`}>set by {r.set.updated_by}</span>{' '}
                    <button type="button" className={styles.btn} onClick={() => reset(r.currency)} title={r.default_rate !== null ? `back to ${r.default_rate}` : 'remove: its amounts count 1:1 again'}>reset</button>
                  </>
                ) : (
                  r.source
                )}
              </td>
            </tr>
          ))}
          <tr>
            <td><input aria-label="new currency" placeholder="AUD" maxLength={3} style={{ width: 56, font: 'inherit' }} value={add.currency} onChange={(e) => setAdd({ ...add, currency: e.target.value })} /></td>
            <td className="num"><input aria-label="new currency rate" inputMode="decimal" placeholder="0.61" style={{ width: 84, textAlign: 'right', font: 'inherit' }} value={add.rate} onChange={(e) => setAdd({ ...add, rate: e.target.value })} /></td>
            <td className="muted">add a currency</td>
          </tr>
        </tbody>
      </table>
      <div className="sub" style={{ marginTop: 6 }} data-testid="settings-currencies-in-data">
        In the data:{' '}
        {s.currencies_in_data.length === 0
          ? 'no amounts yet'
          : s.currencies_in_data.map((c, i) => (
              <span key={c.currency}>
                {i > 0 ? ' · ' : ''}
                {c.priced ? (
                  `${c.currency} ${c.events.toLocaleString('en-GB')}`
                ) : (
                  <button type="button" className={`${styles.btn} ${styles.danger}`} title={`no rate: its amounts count 1:1 as ${cur}; set one`} onClick={() => setAdd({ currency: c.currency, rate: add.rate })}>
                    {c.currency} {c.events.toLocaleString('en-GB')}: no rate
                  </button>
                )}
              </span>
            ))}
        {' '}events
      </div>
      <SaveRow label="Save rates" pending={save.isPending} error={save.error?.message ?? null} note={note} dirty={Object.keys(edits).length > 0 || add.currency.trim() !== ''} />
    </form>
  );
}

function TargetsTile({ s }: { s: SettingsResponse }) {
  const save = useSaveSettings();
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [note, setNote] = useState<string | null>(null);
  const byId = Object.fromEntries(s.kpi_targets.map((k) => [k.id, k]));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { values, problems } = parseEdits(edits, (id) => byId[id]?.label ?? id);
    if (problems.length || Object.keys(values).length === 0) {
      setNote(problems.length ? problems.join('; ') : 'nothing changed');
      return;
    }
    setNote(null);
    const targets = Object.fromEntries(Object.entries(values).map(([id, v]) => [id, stored(byId[id], v)]));
    save.mutate(
      { kpi_targets: targets },
      { onSuccess: () => { setEdits({}); setNote(`Saved: ${Object.entries(targets).map(([id, v]) => `${byId[id].label} ${formatKpi(v, byId[id].unit)}`).join(', ')}.`); } },
    );
  };
  const reset = (k: Kpi) => {
    setNote(null);
    save.mutate({ kpi_targets: { [k.id]: null } }, { onSuccess: () => setNote(`${k.label}: back to ${formatKpi(k.default_target, k.unit)}.`) });
  };
  return (
    <form className="tile" data-testid="settings-kpi-targets" onSubmit={submit}>
      <div className="label">KPI targets</div>
      <table className="data" style={{ marginTop: 8 }}>
        <thead><tr><th>KPI</th><th className="num">target</th><th className="num">built in</th><th /></tr></thead>
        <tbody>
          {s.kpi_targets.map((k) => (
            <tr key={k.id} data-testid={`settings-kpi-${k.id}`} className={k.target !== k.built_in ? 'changed' : undefined}>
              <td title={`${k.better} is better`}>{k.label}</td>
              <td className="num" style={{ whiteSpace: 'nowrap' }}>
                <input
                  aria-label={`${k.label} target`}
                  inputMode="decimal"
                  style={{ width: 56, textAlign: 'right', font: 'inherit', fontWeight: k.target !== k.built_in ? 700 : undefined }}
                  value={edits[k.id] ?? shown(k, k.target)}
                  onChange={(e) => setEdits(e.target.value === shown(k, k.target) ? Object.fromEntries(Object.entries(edits).filter(([id]) => id !== k.id)) : { ...edits, [k.id]: e.target.value })}
                />{' '}
                {UNIT_SUFFIX[k.unit]}
              </td>
              <td className="num muted">{formatKpi(k.built_in, k.unit)}</td>
              <td className="muted" style={{ fontSize: 11 }}>
                {k.set ? (
                  <button type="button" className={styles.btn} onClick={() => reset(k)} title={`set by ${k.set.updated_by} at ${when(k.set.updated_at)} UTC; back to ${formatKpi(k.default_target, k.unit)}${k.source === 'set on /admin' && k.default_target !== k.built_in ? ' (CASHTRACE_KPI_TARGETS)' : ''}`}>reset</button>
                ) : k.source === 'CASHTRACE_KPI_TARGETS' ? 'env' : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <SaveRow label="Save targets" pending={save.isPending} error={save.error?.message ?? null} note={note} dirty={Object.keys(edits).length > 0} />
    </form>
  );
}

function SaveRow({ label, pending, error, note, dirty }: { label: string; pending: boolean; error: string | null; note: string | null; dirty: boolean }) {
  return (
    <div style={{ marginTop: 8, fontSize: 12 }}>
      <button type="submit" className={styles.btn} disabled={pending || !dirty}>{pending ? 'Saving…' : label}</button>
      {error ? <div role="alert" className="error" style={{ marginTop: 4 }}>{error}</div> : note ? <div role="status" className="muted" style={{ marginTop: 4 }}>{note}</div> : null}
    </div>
  );
}

export function SettingsPanel() {
  const settings = useQuery({ queryKey: ['admin', 'settings'], queryFn: () => fetchJson('/api/admin/settings', settingsResponseSchema) });
  const s = settings.data;
  return (
    <section className="panel" data-testid="settings-panel">
      <h2>Settings in force</h2>
      <p className="muted" style={{ fontSize: 12, marginTop: -4 }}>
        Exchange rates and KPI targets are set here over the environment’s (CASHTRACE_FX_RATES, CASHTRACE_KPI_TARGETS): every server reads them within seconds, each change is in the audit trail, a reset returns to the environment’s value. The reporting currency (CASHTRACE_REPORTING_CURRENCY) and the calendars (CASHTRACE_CALENDARS) are read at start (README, Configuration).
      </p>
      {!s ? (
        settings.error ? <div role="alert" className="error">{settings.error.message}</div> : <div className="loading">Loading…</div>
      ) : (
        <div className="grid cols-3">
          <RatesTile s={s} />
          <TargetsTile s={s} />
          <div className="tile" data-testid="settings-calendars">
            <div className="label">Business calendars</div>
            <div className="sub">{s.calendars.file ? <>from <span className="mono">{s.calendars.file}</span> over the built-in ones</> : 'built in (no CASHTRACE_CALENDARS)'}</div>
            <ul style={{ margin: '6px 0 0', paddingLeft: 16, fontSize: 12 }}>
              {s.calendars.list.map((c) => (
                <li key={c.id}>{c.name} · {c.timezone} · {c.legal_entities.length ? c.legal_entities.map((l) => (l === '*' ? 'every other entity' : l)).join(', ') : 'no legal entity'}</li>
              ))}
            </ul>
            <div className="sub" style={{ marginTop: 6 }}>Holidays and working days: <Link href="/sla">SLA page</Link></div>
          </div>
        </div>
      )}
    </section>
  );
}
