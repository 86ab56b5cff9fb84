// GET /api/leakage: revenue leakage by category (DOMAIN.md §7) with the records behind it.

import { z } from 'zod';
import { filtersSchema, nowParam } from '../queries/filters';
import { keysetCursorParam } from '../queries/page';

export const LEAKAGE_CATEGORIES = ['unbilled_work', 'change_not_billed', 'invoice_mismatch', 'integration_credits', 'cash_at_risk'] as const;
export type LeakageCategory = (typeof LEAKAGE_CATEGORIES)[number];

export const LEAKAGE_LABELS: Record<LeakageCategory, string> = {
  unbilled_work: 'Unbilled delivered work',
  change_not_billed: 'Changes delivered before billing was updated',
  invoice_mismatch: 'Invoices that differ from the contract',
  integration_credits: 'Credits caused by integration failures',
  cash_at_risk: 'Cash at risk (overdue receivables)',
};

/** Records per page of /leakage (its server-rendered first page asks for as many). */
export const LEAKAGE_PAGE_SIZE = 25;

export const leakageQuerySchema = filtersSchema.extend({
  category: z.enum(LEAKAGE_CATEGORIES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Opaque keyset cursor from the previous page's `next_cursor`. */
  cursor: keysetCursorParam.optional(),
  now: nowParam().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type LeakageQuery = z.infer<typeof leakageQuerySchema>;

export const leakageRecordSchema = z.object({
  category: z.enum(LEAKAGE_CATEGORIES),
  entity_key: z.string(),
  correlation_id: z.string(),
  customer: z.string(),
  at: z.string(),
  amount: z.number(),
  currency: z.string(),
  value: z.number(),
  detail: z.string(),
});
export type LeakageRecord = z.infer<typeof leakageRecordSchema>;

export const leakageResponseSchema = z.object({
  reporting_currency: z.string(),
  total: z.number(),
  categories: z.array(
    z.object({
      category: z.enum(LEAKAGE_CATEGORIES),
      label: z.string(),
      count: z.number(),
      value: z.number(),
      trend: z.array(z.object({ bucket: z.string(), value: z.number() })),
    }),
  ),
  aging: z.array(z.object({ bucket: z.string(), count: z.number(), value: z.number() })),
  records: z.array(leakageRecordSchema),
  records_total: z.number(),
  next_cursor: z.string().nullable(),
});
export type LeakageResponse = z.infer<typeof leakageResponseSchema>;
