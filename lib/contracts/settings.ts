// GET /api/admin/settings: the configuration the figures are computed with, as an admin
// sees it on /admin (the reporting currency and its rates, KPI targets, business calendars).
// PUT takes changes to the rates and targets (lib/settings/overrides.ts) and answers the same.

import { z } from 'zod';

/** Who set a value on /admin and when (null: it comes from the environment or is built in). */
const setOnAdmin = z.object({ updated_by: z.string(), updated_at: z.string() }).nullable();

export const settingsResponseSchema = z.object({
  reporting_currency: z.string(),
  /** Units of the reporting currency per unit of each currency. */
  fx_rates: z.array(
    z.object({
      currency: z.string(),
      rate: z.number(),
      source: z.enum(['built in', 'CASHTRACE_FX_RATES', 'reporting currency', 'set on /admin']),
      /** The rate a reset returns to (the environment's or the built-in one; null: none, the currency goes unpriced). */
      default_rate: z.number().nullable(),
      set: setOnAdmin,
    }),
  ),
  /** Every currency the stored events carry amounts in, with how many events, and whether it has a rate (one without counts 1:1). */
  currencies_in_data: z.array(z.object({ currency: z.string(), events: z.number(), priced: z.boolean() })),
  kpi_targets: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      unit: z.enum(['hours', 'days', 'share']),
      better: z.enum(['lower', 'higher']),
      target: z.number(),
      built_in: z.number(),
      source: z.enum(['built in', 'CASHTRACE_KPI_TARGETS', 'set on /admin']),
      /** The target a reset returns to (CASHTRACE_KPI_TARGETS's or the built-in one). */
      default_target: z.number(),
      set: setOnAdmin,
    }),
  ),
  calendars: z.object({
    /** CASHTRACE_CALENDARS, when set. */
    file: z.string().nullable(),
    list: z.array(z.object({ id: z.string(), name: z.string(), legal_entities: z.array(z.string()), working_days: z.array(z.number()), timezone: z.string() })),
  }),
});
export type SettingsResponse = z.infer<typeof settingsResponseSchema>;

/** PUT's body: per entry a new value or null (reset). KPI targets in the unit the KPI is measured in (days, hours, a share 0–1). */
export interface SettingsChangeRequest {
  fx_rates?: Record<string, number | null>;
  kpi_targets?: Record<string, number | null>;
}
