// One deal row per correlation ID from deal_summary (GROUP BY, never FINAL): the deals
// list and the journey header read the same columns, stage rule and money figures.

import { sql, type Sql } from '../clickhouse/sql';
import { dealSchema } from '../contracts/deals';
import { chTimestamp, num } from './row-types';

/** The deal's stage: the furthest progress stage with a step time set (DOMAIN.md §4). An aggregate over deal_summary rows. */
export const STAGE_EXPR = sql`multiIf(
    min(first_payment_at) IS NOT NULL OR min(first_cash_applied_at) IS NOT NULL, 'collected',
    min(first_invoice_at) IS NOT NULL, 'billed',
    min(first_delivery_at) IS NOT NULL, 'delivering',
    coalesce(min(order_created_at), min(provisioned_at), min(billing_schedule_at), min(staffed_at)) IS NOT NULL, 'set_up',
    'booked')`;

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
