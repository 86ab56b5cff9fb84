-- Flow health's default reading (all deals, whole days, no flow spans) without reading every
-- run: flow_runs (048) summed per flow and hour, and its latency durations counted per flow
-- and millisecond (exact quantiles from the counts). Both are recounted from flow_runs for
-- the keys whose runs changed in a refresh round (lib/clocks/flow-runs.ts), under a higher
-- version, older copies deleted (patch parts), and rebuilt in full from flow_runs at start.
-- flow_hours: one row per flow, hour, deal dimensions but the customer (a filter on them
-- reads these rows too: 131k rows at 9.3M events where flow_runs has 1.8M runs) and
-- "previous run of the record": first_run, or the day of the previous run (prev_day), so the
-- records whose first run in a window starting on a given day can be counted. Row TTL as
-- flow_runs.
CREATE TABLE IF NOT EXISTS flow_hours
(
    flow_source LowCardinality(String),
    flow_target LowCardinality(String),
    hour DateTime('UTC'),
    region LowCardinality(String),
    practice LowCardinality(String),
    legal_entity LowCardinality(String),
    billing_model LowCardinality(String),
    first_run Bool,
    prev_day Date,
    version UInt64,
    runs UInt64,
    failures UInt64,
    retries UInt64,
    dead_letters UInt64,
    last_run_at DateTime64(3, 'UTC'),
    last_failure_at Nullable(DateTime64(3, 'UTC'))
)
ENGINE = MergeTree
ORDER BY (flow_source, flow_target, hour)
TTL hour + toIntervalDay({{events_ttl_days}})
SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1;
-- flow_latency: how many runs took each duration (first request to first outcome, ms).
CREATE TABLE IF NOT EXISTS flow_latency
(
    flow_source LowCardinality(String),
    flow_target LowCardinality(String),
    duration_ms Int64,
    version UInt64,
    runs UInt64
)
ENGINE = MergeTree
ORDER BY (flow_source, flow_target, duration_ms)
SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1;
