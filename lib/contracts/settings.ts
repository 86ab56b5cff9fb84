// GET /api/admin/settings: the configuration the figures are computed with, as an admin
// sees it on /admin (the reporting currency and its rates, KPI targets, business calendars).

import { z } from 'zod';

export const settingsResponseSchema = z.object({
  reporting_currency: z.string(),
  /** Units of the reporting currency per unit of each currency. */
  fx_rates: z.array(z.object({ currency: z.string(), rate: z.number(), source: z.enum(['built in', 'CASHTRACE_FX_RATES', 'reporting currency']) })),
  kpi_targets: z.array(z.object({ id: z.string(), label: z.string(), unit: z.enum(['hours', 'days', 'share']), target: z.number(), built_in: z.number() })),
  calendars: z.object({
    /** CASHTRACE_CALENDARS, when set. */
    file: z.string().nullable(),
    list: z.array(z.object({ id: z.string(), name: z.string(), legal_entities: z.array(z.string()), working_days: z.array(z.number()), timezone: z.string() })),
  }),
});
export type SettingsResponse = z.infer<typeof settingsResponseSchema>;
