// GET /api/admin/settings: what the figures are computed with — the reporting currency and
// the exchange rates in force (built in, CASHTRACE_FX_RATES or set here), the KPI targets,
// the business calendars and the file they come from. PUT changes exchange rates and KPI
// targets ({fx_rates: {AUD: 0.61}, kpi_targets: {dso: 50, traceability: null}}; null resets
// an entry to the environment's or built-in value): every process of the deployment reads
// them from the store within seconds (lib/settings/overrides.ts), the change is in the audit
// trail (settings.update, each entry before and after). The reporting currency and the
// calendars are environment settings, read at start (README, Configuration). Admin only.

import { z } from 'zod';
import type { Store } from '@/lib/clickhouse/client';
import { sql } from '@/lib/clickhouse/sql';
import { route } from '@/lib/http/route';
import { readJsonBody } from '@/lib/http/body';
import { env } from '@/lib/env';
import { fxRates, ratesIn, reportingCurrency } from '@/lib/money/rates';
import { configuredKpiTargets, KPIS, kpiTargets } from '@/lib/kpis/definitions';
import { calendars } from '@/lib/sla/calendars';
import { overrides } from '@/lib/settings/state';
import { saveOverrides } from '@/lib/settings/overrides';
import type { SettingsResponse } from '@/lib/contracts/settings';
import { actorOf, clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

/** The currencies the events carry amounts in (event_facts: the narrow copy; one LowCardinality column read). */
async function currenciesInData(store: Store): Promise<{ currency: string; events: number }[]> {
  return store.query(
    sql`SELECT toString(currency) AS currency, count() AS events FROM event_facts WHERE currency != '' GROUP BY currency ORDER BY events DESC, currency LIMIT 200`,
    z.object({ currency: z.string(), events: z.coerce.number() }),
  );
}

async function settingsInForce(store: Store): Promise<SettingsResponse> {
  const e = env();
  const currency = reportingCurrency();
  const o = overrides();
  const configuredRates = ratesIn(currency, e.CASHTRACE_FX_RATES ?? {});
  const configuredTargets = configuredKpiTargets();
  const targets = kpiTargets();
  const rates = fxRates();
  const setOf = (x: { updated_by: string; updated_at: string } | undefined) => (x ? { updated_by: x.updated_by, updated_at: x.updated_at } : null);
  return {
    reporting_currency: currency,
    fx_rates: Object.entries(rates)
      .map(([code, rate]) => {
        const set = code === currency ? undefined : o.fx_rate[code];
        const source =
          code === currency ? ('reporting currency' as const)
          : set ? ('set on /admin' as const)
          : e.CASHTRACE_FX_RATES?.[code] !== undefined ? ('CASHTRACE_FX_RATES' as const)
          : ('built in' as const);
        return { currency: code, rate, source, default_rate: configuredRates[code] ?? null, set: setOf(set) };
      })
      .sort((a, b) => a.currency.localeCompare(b.currency)),
    currencies_in_data: (await currenciesInData(store)).map((c) => ({ ...c, priced: rates[c.currency] !== undefined })),
    kpi_targets: KPIS.map((k) => ({
      id: k.id,
      label: k.label,
      unit: k.unit,
      better: k.better,
      target: targets[k.id],
      built_in: k.target,
      source: o.kpi_target[k.id] ? ('set on /admin' as const) : configuredTargets[k.id] !== k.target ? ('CASHTRACE_KPI_TARGETS' as const) : ('built in' as const),
      default_target: configuredTargets[k.id],
      set: setOf(o.kpi_target[k.id]),
    })),
    calendars: {
      file: e.CASHTRACE_CALENDARS ?? null,
      list: calendars().map((c) => ({ id: c.id, name: c.name, legal_entities: c.legal_entities, working_days: c.working_days, timezone: c.timezone ?? 'UTC' })),
    },
  };
}

export const GET = route({ permission: 'admin' }, async ({ rt }): Promise<SettingsResponse> => settingsInForce(rt.store));

export const PUT = route({ permission: 'admin' }, async ({ req, rt, principal }): Promise<SettingsResponse> => {
  const input = await readJsonBody(req, 64 * 1024, 'body must be JSON: {"fx_rates": {"AUD": 0.61}, "kpi_targets": {"dso": 50}} (null resets an entry)');
  const changes = await saveOverrides(rt.store, input, principal.name);
  await recordAudit(rt.store, [
    { actor: actorOf(principal), action: 'settings.update', target: changes.map((c) => `${c.kind}:${c.key}`).join(','), outcome: 'ok', details: { changes }, ip: clientIp(req) },
  ]);
  const answer = await settingsInForce(rt.store);
  // new rates re-key every clock: the writer builds them again (the figures read the events
  // meanwhile) — once the answer is ready: the rebuild's queries would make it wait (a save
  // answered in ~10 s on a loaded 2-core machine while every clock was rebuilt, 2026-12-07)
  if (changes.some((c) => c.kind === 'fx_rate')) rt.writer?.clocks.invalidate();
  return answer;
});

export const { POST, PATCH, DELETE } = notAllowed('GET', 'PUT');
