// getVariants: the most common journey paths and their share, and conformance to the
// expected path of each billing model. Each deal's path is built in ClickHouse from
// deal_summary (deal-path.ts: one row per deal, no scan of events), deals are grouped by
// (billing model, path); conformance is judged per variant by lib/journey.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { expectedPath } from '../events/stages';
import { BILLING_MODELS } from '../events/catalogue';
import type { ModelConformance, Variant, VariantsQuery, VariantsResponse } from '../contracts/variants';
import { pathConformance } from '../journey/conformance';
import { dealHaving, timeWindow } from './filters';
import { num } from './row-types';
import { DEAL_PATH_EXPR } from './deal-path';

/**
 * More distinct paths than this are not realistic; the cap keeps a pathological store bounded.
 * Past it the response says so (`listed_variants` < `variant_count`), counts every deal in
 * scope, and judges conformance over the deals on the listed paths (`judged_deals`).
 */
export const MAX_VARIANTS = 10_000;

const rowSchema = z.object({ billing_model: z.string(), path: z.array(z.string()), deals: num, variants_all: num, deals_all: num });

/** `maxVariants`: the cap (tests lower it). */
export async function getVariants(store: Store, query: VariantsQuery, o: { maxVariants?: number } = {}): Promise<VariantsResponse> {
  const rows = await store.query(
    sql`SELECT *, count() OVER () AS variants_all, sum(deals) OVER () AS deals_all FROM (
        SELECT bm AS billing_model, path, count() AS deals FROM (
          SELECT correlation_id, max(billing_model) AS bm,
            ${DEAL_PATH_EXPR} AS path
          FROM deal_summary
          WHERE correlation_id != ''
          GROUP BY correlation_id
          HAVING ${dealHaving(query)} AND ${timeWindow({ from: query.from }, sql`max(last_at)`)} AND ${timeWindow({ to: query.to }, sql`min(first_at)`)})
        GROUP BY billing_model, path)
      ORDER BY deals DESC, billing_model, path
      LIMIT ${o.maxVariants ?? MAX_VARIANTS}`,
    rowSchema,
  );
  // every deal in scope (shares are of them); conformance is judged over the listed paths' deals
  const total = rows[0]?.deals_all ?? 0;
  const judgedDeals = rows.reduce((s, r) => s + r.deals, 0);
  const judged = rows.map((r, i) => ({ ...r, rank: i + 1, shape: pathConformance(r.billing_model, r.path) }));
  const byModel = new Map<string, ModelConformance>();
  for (const v of judged) {
    const m =
      byModel.get(v.billing_model) ??
      { billing_model: v.billing_model, expected_path: expectedPath(v.billing_model), deals: 0, conforming_deals: 0, conformance: 0, variants: 0 };
    m.deals += v.deals;
    m.variants += 1;
    if (v.shape.conforming) m.conforming_deals += v.deals;
    byModel.set(v.billing_model, m);
  }
  const models = [...byModel.values()]
    .map((m) => ({ ...m, conformance: m.deals ? m.conforming_deals / m.deals : 0 }))
    .sort((a, b) => modelRank(a.billing_model) - modelRank(b.billing_model) || a.billing_model.localeCompare(b.billing_model));
  const conformingDeals = judged.reduce((s, v) => s + (v.shape.conforming ? v.deals : 0), 0);
  const matching = query.conforming ? judged.filter((v) => v.shape.conforming === (query.conforming === 'yes')) : judged;
  const variants: Variant[] = matching.slice(0, query.limit).map((v) => ({
    rank: v.rank,
    billing_model: v.billing_model,
    path: v.path,
    deals: v.deals,
    share: total ? v.deals / total : 0,
    conforming: v.shape.conforming,
    missing: v.shape.missing,
    reordered: v.shape.reordered.map((r) => r.type),
    extra: v.shape.extra,
  }));
  return {
    total_deals: total,
    conforming_deals: conformingDeals,
    conformance: judgedDeals ? conformingDeals / judgedDeals : 0,
    judged_deals: judgedDeals,
    variant_count: rows[0]?.variants_all ?? 0,
    listed_variants: rows.length,
    matching_variants: matching.length,
    top_share: total && rows[0] ? rows[0].deals / total : 0,
    models,
    variants,
  };
}

function modelRank(m: string): number {
  const i = (BILLING_MODELS as readonly string[]).indexOf(m);
  return i === -1 ? BILLING_MODELS.length : i;
}
