-- SLA policies (DOMAIN.md §6): a clock from start events to end events with a threshold in
-- business or calendar hours, an optional scope and a severity. Breaches are never stored:
-- they are computed from events at query time, so editing a policy re-evaluates history.
-- ReplacingMergeTree(version): every save is a new row; readers take argMax(…, version)
-- per id (a handful of rows, so no FINAL needed and none used).
CREATE TABLE IF NOT EXISTS sla_policies
(
    id String,
    name String,
    description String,
    start_events Array(String),
    end_events Array(String),
    match LowCardinality(String),
    anchor LowCardinality(String),
    threshold_hours Float64,
    unit LowCardinality(String),
    scope_region String,
    scope_billing_model String,
    scope_legal_entity String,
    scope_customer_tier String,
    severity LowCardinality(String),
    enabled UInt8,
    updated_at DateTime64(3, 'UTC'),
    updated_by String,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;
