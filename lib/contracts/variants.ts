// Request and response schemas of GET /api/variants (process variants and conformance
// to the expected path), shared by the route, the query and the hook.

import { z } from 'zod';
import { filtersSchema } from '../queries/filters';

/** The most paths one answer lists (the CSV export holds them all). */
export const VARIANTS_MAX_LIMIT = 1000;

export const variantsQuerySchema = filtersSchema.extend({
  limit: z.coerce.number().int().min(1).max(VARIANTS_MAX_LIMIT).default(25),
  /** Only the paths that follow (yes) or leave (no) their billing model's expected path. */
  conforming: z.enum(['yes', 'no']).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type VariantsQuery = z.infer<typeof variantsQuerySchema>;

/** How many paths /variants lists at first (its server-rendered first data asks for as many), and how many more each "Show more" adds. */
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
  /** Every deal in scope; shares are of them. */
  total_deals: z.number().int(),
  conforming_deals: z.number().int(),
  /** conforming_deals of judged_deals. */
  conformance: z.number(),
  /** The deals on the listed paths (total_deals unless there are more paths than the cap). */
  judged_deals: z.number().int(),
  /** Distinct paths in scope. */
  variant_count: z.number().int(),
  /** The paths listed and judged: the most common, at most lib/queries/get-variants MAX_VARIANTS. */
  listed_variants: z.number().int(),
  /** Variants the `conforming` choice keeps (variant_count without one); `variants` is the first `limit` of them. */
  matching_variants: z.number().int(),
  /** Share of the deals in scope on the most common path. */
  top_share: z.number(),
  models: z.array(modelConformanceSchema),
  variants: z.array(variantSchema),
});
export type VariantsResponse = z.infer<typeof variantsResponseSchema>;

export const VARIANT_CSV_COLUMNS = ['rank', 'billing_model', 'path', 'deals', 'share', 'conforming', 'missing', 'reordered', 'extra'] as const;
