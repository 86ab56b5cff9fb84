-- Flow health's snapshot (lib/clocks/flow-runs.ts, DOMAIN.md §11): the run-level work of the
-- flow queries done once per deal instead of over the whole history at every query (9.4M
-- events: getFlows 2.6 s). kind 'run': one row per sync outcome event, with the time of the
-- previous run of the same record and flow and whether it failed (prev_at, prev_failed: the
-- first run in a window counts the record; a failure after a success starts an episode) and, for a failure, the next success of the same record and flow (recovered_at).
-- kind 'latency': one row per sync run (entity_id) that has a sync.requested and an outcome,
-- with both lists of times (a time window keeps the events inside it) and the duration from
-- the first request to the first outcome. Rows carry the deal's
-- dimensions, as clock_intervals does. Kept like clock_intervals: the writer's refresher
-- recomputes the deals it touched (insert under a higher version, then a patch-part delete by
-- correlation_id, helped by the bloom filter); orphans (correlation_id = '') are read from
-- the events when queried. Not filled by a view: the rows depend on other events of the
-- deal. Existing stores are filled by the full build at start (recorded in clock_builds);
-- until it completes the flow queries read the events directly (exact, slower).
-- ORDER BY (kind, flow, failed, at): a flow's failures (the drill-down, recovery) are a small
-- prefix range; counts and trend read a few narrow columns of the 'run' range.
CREATE TABLE IF NOT EXISTS flow_runs
(
    kind Enum8('run' = 1, 'latency' = 2),
    flow_source LowCardinality(String),
    flow_target LowCardinality(String),
    failed Bool,
    at DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    version UInt64,
    correlation_id String,
    run_id String,
    record String,
    attempt UInt32,
    dead_letter Bool,
    trace_id String CODEC(ZSTD(1)),
    status String,
    prev_at Nullable(DateTime64(3, 'UTC')),
    prev_failed Bool,
    recovered_at Nullable(DateTime64(3, 'UTC')),
    requested_at DateTime64(3, 'UTC'),
    duration_ms Int64,
    requested Array(DateTime64(3, 'UTC')),
    outcomes Array(DateTime64(3, 'UTC')),
    customer String,
    region LowCardinality(String),
    practice LowCardinality(String),
    legal_entity LowCardinality(String),
    billing_model LowCardinality(String),
    INDEX cid correlation_id TYPE bloom_filter GRANULARITY 1
)
ENGINE = MergeTree
ORDER BY (kind, flow_source, flow_target, failed, at)
TTL toDateTime(at) + toIntervalDay({{events_ttl_days}})
SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1;
