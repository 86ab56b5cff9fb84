// GET /api/admin/settings: what the figures are computed with — the reporting currency and
// the exchange rates in force (built in or configured), the KPI targets, the business
// calendars and the file they come from. Read-only: these are environment settings, read
// at start (README, Configuration). Admin only.

import { route } from '@/lib/http/route';
import { env } from '@/lib/env';
import { fxRates, reportingCurrency } from '@/lib/money/rates';
import { KPIS, kpiTargets } from '@/lib/kpis/definitions';
import { calendars } from '@/lib/sla/calendars';
import type { SettingsResponse } from '@/lib/contracts/settings';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'admin' }, async (): Promise<SettingsResponse> => {
  const e = env();
  const currency = reportingCurrency();
  const targets = kpiTargets();
  return {
    reporting_currency: currency,
    fx_rates: Object.entries(fxRates())
      .map(([code, rate]) => ({ currency: code, rate, source: code === currency ? ('reporting currency' as const) : e.CASHTRACE_FX_RATES?.[code] !== undefined ? ('CASHTRACE_FX_RATES' as const) : ('built in' as const) }))
      .sort((a, b) => a.currency.localeCompare(b.currency)),
    kpi_targets: KPIS.map((k) => ({ id: k.id, label: k.label, unit: k.unit, target: targets[k.id], built_in: k.target })),
    calendars: {
      file: e.CASHTRACE_CALENDARS ?? null,
      list: calendars().map((c) => ({ id: c.id, name: c.name, legal_entities: c.legal_entities, working_days: c.working_days, timezone: c.timezone ?? 'UTC' })),
    },
  };
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
