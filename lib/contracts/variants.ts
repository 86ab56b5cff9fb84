// Request and response schemas of GET /api/variants (process variants and conformance
// to the expected path), shared by the route, the query and the hook.

import { z } from 'zod';
import { filtersSchema } from '../queries/filters';

export const variantsQuerySchema = filtersSchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(25),
  format: z.enum(['json', 'csv']).default('json'),
});
export type VariantsQuery = z.infer<typeof variantsQuerySchema>;

/** How many paths /variants lists (its server-rendered first data asks for as many). */
export const VARIANTS_SHOWN = 30;

export const variantSchema = z.object({
  rank: z.number().int(),
  billing_model: z.string(),
  /** Step types in the order each first happened (repeats collapse; sync events left out). */
  path: z.array(z.string()),
  deals: z.number().int(),
  /** Of all deals in scope. */
  share: z.number(),
  conforming: z.boolean(),
  missing: z.array(z.string()),
  reordered: z.array(z.string()),
  /** Steps not on the expected path (change orders, disputes, failed payments…). */
  extra: z.array(z.string()),
});
export type Variant = z.infer<typeof variantSchema>;

export const modelConformanceSchema = z.object({
  billing_model: z.string(),
  expected_path: z.array(z.string()),
  deals: z.number().int(),
  conforming_deals: z.number().int(),
  conformance: z.number(),
  variants: z.number().int(),
});
export type ModelConformance = z.infer<typeof modelConformanceSchema>;

export const variantsResponseSchema = z.object({
  total_deals: z.number().int(),
  conforming_deals: z.number().int(),
  conformance: z.number(),
  variant_count: z.number().int(),
  models: z.array(modelConformanceSchema),
  variants: z.array(variantSchema),
});
export type VariantsResponse = z.infer<typeof variantsResponseSchema>;

export const VARIANT_CSV_COLUMNS = ['rank', 'billing_model', 'path', 'deals', 'share', 'conforming', 'missing', 'reordered', 'extra'] as const;
