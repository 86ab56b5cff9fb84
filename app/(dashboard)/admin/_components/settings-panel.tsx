'use client';
// The settings the figures are computed with (GET /api/admin/settings): reporting currency
// and exchange rates, KPI targets, business calendars. Read-only: environment settings.

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/app/_hooks/fetch-json';
import { settingsResponseSchema } from '@/lib/contracts/settings';
import { formatKpi } from '../../_components/kpi-tile';

export function SettingsPanel() {
  const settings = useQuery({ queryKey: ['admin', 'settings'], queryFn: () => fetchJson('/api/admin/settings', settingsResponseSchema) });
  const s = settings.data;
  return (
    <section className="panel" data-testid="settings-panel">
      <h2>Settings in force</h2>
      <p className="muted" style={{ fontSize: 12, marginTop: -4 }}>
        Environment settings, read at start (README, Configuration): CASHTRACE_REPORTING_CURRENCY, CASHTRACE_FX_RATES, CASHTRACE_KPI_TARGETS, CASHTRACE_CALENDARS.
      </p>
      {!s ? (
        <div className="loading">Loading…</div>
      ) : (
        <div className="grid cols-3">
          <div className="tile" data-testid="settings-currency">
            <div className="label">Reporting currency</div>
            <div className="value">{s.reporting_currency}</div>
            <table className="data" style={{ marginTop: 8 }}>
              <thead><tr><th>currency</th><th className="num">{s.reporting_currency} per unit</th><th>source</th></tr></thead>
              <tbody>
                {s.fx_rates.map((r) => (
                  <tr key={r.currency}><td>{r.currency}</td><td className="num">{r.rate}</td><td className="muted">{r.source}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="tile" data-testid="settings-kpi-targets">
            <div className="label">KPI targets</div>
            <table className="data" style={{ marginTop: 8 }}>
              <thead><tr><th>KPI</th><th className="num">target</th><th className="num">built in</th></tr></thead>
              <tbody>
                {s.kpi_targets.map((k) => (
                  <tr key={k.id} data-testid={`settings-kpi-${k.id}`} className={k.target !== k.built_in ? 'changed' : undefined}>
                    <td>{k.label}</td>
                    <td className="num">{k.target !== k.built_in ? <strong>{formatKpi(k.target, k.unit)}</strong> : formatKpi(k.target, k.unit)}</td>
                    <td className="num muted">{formatKpi(k.built_in, k.unit)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
