// One deal row per correlation ID from deal_summary: the deals list groups a page's rows
// (GROUP BY correlation_id; FINAL over many deals is slower), the journey header merges one
// deal's rows (FINAL, by the table's own max/min/sum). Both read the same columns with the
// same stage rule and money figures (deal-queries.test compares them deal by deal).

import { ident, sql, type Ident, type Sql } from '../clickhouse/sql';
import { dealSchema } from '../contracts/deals';
import { chTimestamp, num } from './row-types';

/** The step times the stage rule reads (columns of deal_summary). */
const STEP_COLUMNS = [
  'first_payment_at',
  'first_cash_applied_at',
  'first_invoice_at',
  'first_delivery_at',
  'order_created_at',
  'provisioned_at',
  'billing_schedule_at',
  'staffed_at',
] as const;
type StepColumn = (typeof STEP_COLUMNS)[number];

/**
 * The deal's stage: the furthest progress stage with a step time set (DOMAIN.md §4), each
 * step time read by `at`: an aggregate over a deal's deal_summary rows, or the column of
 * its merged row.
 */
function stageRule(at: (step: Ident) => Sql): Sql {
  const t = (c: StepColumn) => at(ident(c, STEP_COLUMNS));
  return sql`multiIf(
    ${t('first_payment_at')} IS NOT NULL OR ${t('first_cash_applied_at')} IS NOT NULL, 'collected',
    ${t('first_invoice_at')} IS NOT NULL, 'billed',
    ${t('first_delivery_at')} IS NOT NULL, 'delivering',
    coalesce(${t('order_created_at')}, ${t('provisioned_at')}, ${t('billing_schedule_at')}, ${t('staffed_at')}) IS NOT NULL, 'set_up',
    'booked')`;
}

/** The stage as an aggregate over deal_summary rows (GROUP BY correlation_id). */
export const STAGE_EXPR = stageRule((c) => sql`min(${c})`);

/**
 * The inner aggregation. Aliases carry a `d_` prefix: ClickHouse lets an alias shadow
 * the column of the same name, and `max(region) AS region` would turn the shared
 * filters' `max(region) = …` into an aggregate of an aggregate.
 */
export const DEAL_AGGREGATES = sql`
  correlation_id,
  max(customer) AS d_customer,
  max(region) AS d_region,
  max(practice) AS d_practice,
  max(legal_entity) AS d_legal_entity,
  max(billing_model) AS d_billing_model,
  max(currency) AS d_currency,
  ${STAGE_EXPR} AS d_stage,
  max(quote_value) AS d_quote_value,
  max(contract_value) AS d_contract_value,
  sum(change_value) AS d_change_value,
  sum(delivered_value) AS d_delivered_value,
  sum(invoiced_value) AS d_invoiced_value,
  sum(credited_value) AS d_credited_value,
  sum(paid_value) AS d_paid_value,
  sum(applied_value) AS d_applied_value,
  sum(events) AS d_events,
  sum(sync_failed) AS d_sync_failed,
  min(first_at) AS d_first_at,
  max(last_at) AS d_last_at,
  max(last_received_at) AS d_last_received_at`;

/** Renames the inner aliases to the contract's field names. */
export const DEAL_COLUMNS = sql`
  correlation_id, d_customer AS customer, d_region AS region, d_practice AS practice,
  d_legal_entity AS legal_entity, d_billing_model AS billing_model, d_currency AS currency, d_stage AS stage,
  d_quote_value AS quote_value, d_contract_value AS contract_value, d_change_value AS change_value,
  d_delivered_value AS delivered_value, d_invoiced_value AS invoiced_value, d_credited_value AS credited_value,
  d_paid_value AS paid_value, d_applied_value AS applied_value, d_events AS events, d_sync_failed AS sync_failed,
  d_first_at AS first_at, d_last_at AS last_at, d_last_received_at AS last_received_at`;

/** The contract's deal with ClickHouse's text forms (quoted 64-bit integers, DateTime64 text) converted. */
export const dealRowSchema = dealSchema.extend({
  quote_value: num.nullable(),
  contract_value: num.nullable(),
  change_value: num,
  delivered_value: num,
  invoiced_value: num,
  credited_value: num,
  paid_value: num,
  applied_value: num,
  events: num,
  sync_failed: num,
  first_at: chTimestamp,
  last_at: chTimestamp,
  last_received_at: chTimestamp,
});

/** SELECT deal rows: `where` narrows deal_summary rows (by correlation_id only), `having` the aggregated deals. */
export function dealRowsSql(opts: { where: Sql; having: Sql; outerWhere?: Sql; orderLimit?: Sql }): Sql {
  return sql`SELECT ${DEAL_COLUMNS} FROM (
    SELECT ${DEAL_AGGREGATES} FROM deal_summary
    WHERE ${opts.where}
    GROUP BY correlation_id
    HAVING ${opts.having})
  WHERE ${opts.outerWhere ?? sql`1`}
  ${opts.orderLimit ?? sql``}`;
}

/**
 * One deal's row (the journey's header): its deal_summary rows merged by the table's own
 * functions (FINAL) rather than grouped — the same figures as dealRowsSql's, planned in
 * about half the time (9.7M events, one deal: the GROUP BY form costs ~12 ms with nothing
 * to read, of ~17 ms in all). The filter is a PREWHERE: FINAL merges before WHERE, so a deal
 * whose rows lie in granules of several parts had all those granules' rows merged (~24k
 * rows: 40–51 ms); the key is the whole sort key, so filtering first merges the same rows
 * (7–10 ms either way; the engine does not move a filter past FINAL by itself).
 */
export function oneDealRowSql(correlationId: string): Sql {
  return sql`SELECT correlation_id, customer, region, practice, legal_entity, billing_model, currency,
    ${stageRule((c) => sql`${c}`)} AS stage,
    quote_value, contract_value, change_value, delivered_value, invoiced_value, credited_value, paid_value,
    applied_value, events, sync_failed, first_at, last_at, last_received_at
  FROM deal_summary FINAL
  PREWHERE correlation_id = ${correlationId}`;
}
