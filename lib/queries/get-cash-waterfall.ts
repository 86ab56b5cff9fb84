// The cash waterfall (booked → provisioned → delivered → invoiced → collected) and the
// breakdowns by dimension, for the cohort of deals booked (contract signed) in the window.
// Money per deal is in its contract currency; totals are converted to the reporting one.

import { z } from 'zod';
import { sql, join, trustedSql } from '../clickhouse/sql';
import { DIMENSIONS, type BILLING_MODELS, type Dimension } from '../events/catalogue';
import { WATERFALL_STAGES } from '../contracts/kpis';
import type { FindingsFn } from '../clocks/read';
import type { Filters } from './filters';
import { num } from './row-types';
import { queryPart } from '../clickhouse/parts';

type Params = Filters & { now: Date };

const r2 = (v: number) => Math.round(v * 100) / 100;

const RETAINER: (typeof BILLING_MODELS)[number] = 'retainer';

const figuresSchema = z.object({
  currency: z.string().nullable(), region: z.string().nullable(), practice: z.string().nullable(),
  legal_entity: z.string().nullable(), customer: z.string().nullable(), billing_model: z.string().nullable(),
  deals: num, a_booked: num, a_provisioned: num, a_delivered: num, a_invoiced: num, a_collected: num,
  r_booked: num, r_provisioned: num, r_delivered: num, r_invoiced: num, r_collected: num, q2c: num.nullable(),
});

type Breakdown = { value: string; deals: number; booked: number; invoiced: number; collected: number; quote_to_cash_p50: number | null };

/**
 * The waterfall (per currency, and in total in the reporting currency; a retainer delivered as
 * billed) and the breakdowns per
 * dimension value (top 12 by booked money: deals, booked, invoiced, collected, quote-to-cash
 * p50 in days) for the cohort of deals booked (first contract signature) in the window: sums
 * of the deals' cohort findings (lib/clocks/findings.ts: one row per deal and step, money in
 * the deal's currency and in the reporting one, converted per deal), from the snapshot when it
 * is built. Runs with `group_by_use_nulls = 1`.
 */
export function cohortPart(p: Params, findings: FindingsFn) {
  // A retainer has no delivery events: its month of service is what its month's invoice
  // bills (DOMAIN.md §4, "retainer by month"), so it is delivered as it is billed. Counted
  // as nothing, the firm's delivered money read below its invoiced (the demo: €150m
  // delivered, €168m invoiced, its retainers €0 and €33m).
  const step = (name: string, col: 'amount' | 'value') =>
    name === 'provisioned'
      ? sql`sumIf(${trustedSql(col)}, detail = 'provisioned' AND anchor <= ${p.now})`
      : name === 'delivered'
        ? sql`sumIf(${trustedSql(col)}, detail = 'delivered' OR (detail = 'invoiced' AND billing_model = ${RETAINER}))`
        : sql`sumIf(${trustedSql(col)}, detail = ${name})`;
  return queryPart({
    sql: sql`SELECT currency, region, practice, legal_entity, customer, billing_model, countIf(detail = 'booked') AS deals,
        ${join(WATERFALL_STAGES.map((st) => sql`${step(st, 'amount')} AS ${trustedSql(`a_${st}`)}`), ', ')},
        ${join(WATERFALL_STAGES.map((st) => sql`${step(st, 'value')} AS ${trustedSql(`r_${st}`)}`), ', ')},
        quantileExactIf(0.5)(amount, detail = 'q2c') AS q2c
      FROM ${findings('cohort', { filters: p, now: p.now, aggregate: true })}
      GROUP BY GROUPING SETS ((currency), (region), (practice), (legal_entity), (customer), (billing_model))`,
    schema: figuresSchema,
    then: (rows) => cohortResult(rows),
  });
}

function cohortResult(rows: z.infer<typeof figuresSchema>[]) {
  const perCurrency = rows.filter((r) => r.currency !== null).sort((a, b) => a.currency!.localeCompare(b.currency!));
  const waterfall = {
    total: WATERFALL_STAGES.map((stage) => ({ stage, value: r2(perCurrency.reduce((s, r) => s + r[`r_${stage}`], 0)) })),
    byCurrency: perCurrency.flatMap((r) => WATERFALL_STAGES.map((stage) => ({ currency: r.currency!, stage, amount: r2(r[`a_${stage}`]) }))),
  };
  const breakdowns = {} as Record<Dimension, Breakdown[]>;
  for (const d of DIMENSIONS) {
    breakdowns[d] = rows
      .filter((r) => r[d] !== null)
      .map((r) => ({
        value: r[d]!, deals: r.deals, booked: r2(r.r_booked), invoiced: r2(r.r_invoiced), collected: r2(r.r_collected),
        quote_to_cash_p50: r.q2c === null || !Number.isFinite(r.q2c) ? null : Math.round(r.q2c * 100) / 100,
      }))
      .sort((a, b) => b.booked - a.booked || a.value.localeCompare(b.value))
      .slice(0, 12);
  }
  return { waterfall, breakdowns };
}
