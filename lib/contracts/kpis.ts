// GET /api/kpis: the executive overview's data, shared by route, query and hook.

import { z } from 'zod';
import { filtersSchema, nowParam } from '../queries/filters';
import { KPI_IDS } from '../kpis/definitions';
import { DIMENSIONS } from '../events/catalogue';

export const kpisQuerySchema = filtersSchema.extend({
  now: nowParam().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type KpisQuery = z.infer<typeof kpisQuerySchema>;

export const kpiSchema = z.object({
  id: z.enum(KPI_IDS),
  label: z.string(),
  unit: z.enum(['hours', 'days', 'share']),
  better: z.enum(['lower', 'higher']),
  target: z.number(),
  description: z.string(),
  /** p50 for durations (mean for MTTR), the share for rates; null when nothing was measured. */
  value: z.number().nullable(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  n: z.number(),
  /** The same figure over the previous period of the same length. */
  previous: z.number().nullable(),
  /** Measurements in the previous period (invoices for DSO). */
  previous_n: z.number(),
  /** value − previous, in the KPI's unit; null unless the two periods compare (get-kpis `comparable`). */
  change: z.number().nullable(),
  trend: z.array(z.object({ bucket: z.string(), value: z.number().nullable(), n: z.number() })),
});
export type Kpi = z.infer<typeof kpiSchema>;

export const WATERFALL_STAGES = ['booked', 'provisioned', 'delivered', 'invoiced', 'collected'] as const;

export const breakdownRowSchema = z.object({
  value: z.string(),
  deals: z.number(),
  booked: z.number(),
  invoiced: z.number(),
  collected: z.number(),
  quote_to_cash_p50: z.number().nullable(),
});

export const kpisResponseSchema = z.object({
  window: z.object({ from: z.string(), to: z.string(), previous_from: z.string(), bucket: z.enum(['day', 'week']) }),
  reporting_currency: z.string(),
  kpis: z.array(kpiSchema),
  waterfall: z.array(z.object({ stage: z.enum(WATERFALL_STAGES), value: z.number() })),
  waterfall_by_currency: z.array(z.object({ currency: z.string(), stage: z.enum(WATERFALL_STAGES), amount: z.number() })),
  /** Currencies of the cohort with no exchange rate configured: their amounts count 1:1 in the reporting currency. */
  unpriced_currencies: z.array(z.string()),
  breakdowns: z.record(z.enum(DIMENSIONS), z.array(breakdownRowSchema)),
});
export type KpisResponse = z.infer<typeof kpisResponseSchema>;
