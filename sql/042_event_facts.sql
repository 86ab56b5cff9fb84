-- The clocks' copy of events (stuck rules, SLA policies, leakage, KPIs, flow health): one
-- narrow row per event, without payload or attributes map, ORDER BY type first so a clock
-- reads one contiguous range per start or end type (events is ordered by deal: a type
-- filter there skips nothing). Per-event rows, not per-record aggregates, so `occurred_at <=
-- now`, time windows and deal filters apply exactly as on events. The writer deletes stale
-- copies of moved events (correlation_id, or entity_key for orphans) as it does in events.
-- Filled by the view from now on and backfilled once from the events already stored (the
-- writer does not run while migrations do: the store is migrated before it opens).
CREATE TABLE IF NOT EXISTS event_facts
(
    type LowCardinality(String),
    entity_key String,
    occurred_at DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    correlation_id String,
    event_id String,
    entity_id String,
    refs Array(String),
    ref1 String,
    amount Nullable(Decimal(18, 2)),
    currency LowCardinality(String),
    status LowCardinality(String),
    due_at Nullable(DateTime64(3, 'UTC')),
    period_end Nullable(DateTime64(3, 'UTC')),
    flow_source LowCardinality(String),
    flow_target LowCardinality(String),
    sync_attempt UInt16,
    sync_dead_letter Bool,
    trace_id String CODEC(ZSTD(1)),
    customer_tier LowCardinality(String),
    reason LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (type, entity_key, occurred_at)
TTL toDateTime(occurred_at) + toIntervalDay({{events_ttl_days}});
CREATE MATERIALIZED VIEW IF NOT EXISTS event_facts_mv TO event_facts AS
SELECT type, entity_key, occurred_at, correlation_id, event_id, entity_id, refs, refs[1] AS ref1, amount, currency, status,
    due_at, period_end, attributes['flow_source'] AS flow_source, attributes['flow_target'] AS flow_target,
    toUInt16OrZero(attributes['attempt']) AS sync_attempt, attributes['dead_letter'] IN ('true', '1', 'yes') AS sync_dead_letter,
    trace_id, attributes['customer_tier'] AS customer_tier, attributes['reason'] AS reason
FROM events;
INSERT INTO event_facts
SELECT type, entity_key, occurred_at, correlation_id, event_id, entity_id, refs, refs[1] AS ref1, amount, currency, status,
    due_at, period_end, attributes['flow_source'] AS flow_source, attributes['flow_target'] AS flow_target,
    toUInt16OrZero(attributes['attempt']) AS sync_attempt, attributes['dead_letter'] IN ('true', '1', 'yes') AS sync_dead_letter,
    trace_id, attributes['customer_tier'] AS customer_tier, attributes['reason'] AS reason
FROM events;
