-- One row per deal after merges: first time of each journey step, money per step,
-- and the deal's dimensions. The deals list, stages and KPIs read this instead of events.
-- SimpleAggregateFunction columns combine on merge; queries GROUP BY correlation_id
-- (never FINAL). Dimensions use max(): a deal's events carry the same value or ''.
CREATE TABLE IF NOT EXISTS deal_summary
(
    correlation_id String,
    events SimpleAggregateFunction(sum, UInt64),
    first_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    last_received_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    customer SimpleAggregateFunction(max, String),
    region SimpleAggregateFunction(max, String),
    practice SimpleAggregateFunction(max, String),
    legal_entity SimpleAggregateFunction(max, String),
    billing_model SimpleAggregateFunction(max, String),
    currency SimpleAggregateFunction(max, String),
    won_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    quote_approved_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    contract_signed_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    order_created_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    provisioned_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    billing_schedule_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    staffed_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    first_delivery_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    first_invoice_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    first_payment_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    first_cash_applied_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    quote_value SimpleAggregateFunction(max, Nullable(Decimal(38, 2))),
    contract_value SimpleAggregateFunction(max, Nullable(Decimal(38, 2))),
    change_value SimpleAggregateFunction(sum, Decimal(38, 2)),
    delivered_value SimpleAggregateFunction(sum, Decimal(38, 2)),
    invoiced_value SimpleAggregateFunction(sum, Decimal(38, 2)),
    credited_value SimpleAggregateFunction(sum, Decimal(38, 2)),
    paid_value SimpleAggregateFunction(sum, Decimal(38, 2)),
    applied_value SimpleAggregateFunction(sum, Decimal(38, 2)),
    sync_failed SimpleAggregateFunction(sum, UInt64),
    sync_succeeded SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
ORDER BY correlation_id;
