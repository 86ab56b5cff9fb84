-- The clocks' snapshot (lib/clocks): one row per interval of every clock the product measures
-- (stuck rules, KPI clocks, SLA policies, unstaffed projects), as lib/sla/intervals-sql.ts
-- defines it over all events received, kept current by the ingest writer (deals it touched
-- are recomputed within about a second) and rebuilt per clock when its definition changes.
-- `clock` is a hash of the definition (lib/clocks/registry.ts); `version` orders the copies
-- of a deal's rows while a refresh replaces them (insert new, then delete older). Open
-- intervals have end_at = 2200-01-01, so "open at now" is a range of the sort key.
-- closed_hours is the elapsed business or calendar time of a closed interval, computed once.
CREATE TABLE IF NOT EXISTS clock_intervals
(
    clock LowCardinality(String),
    version UInt64,
    correlation_id String,
    entity_key String,
    started_at DateTime64(3, 'UTC'),
    anchor_at DateTime64(3, 'UTC'),
    end_at DateTime64(3, 'UTC'),
    closed_hours Float64,
    amount Float64,
    currency LowCardinality(String),
    value Float64,
    customer String,
    region LowCardinality(String),
    practice LowCardinality(String),
    legal_entity LowCardinality(String),
    billing_model LowCardinality(String),
    INDEX cid correlation_id TYPE bloom_filter GRANULARITY 1
)
ENGINE = MergeTree
ORDER BY (clock, end_at, anchor_at)
TTL toDateTime(started_at) + toIntervalDay({{events_ttl_days}})
SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1;
-- Which clocks have been built in full (and from which definition): a clock without a row is
-- read from the events directly (the exact, slower path) until its build finishes.
CREATE TABLE IF NOT EXISTS clock_builds
(
    clock String,
    definition String,
    built_at DateTime64(3, 'UTC'),
    rows UInt64,
    seconds Float64
)
ENGINE = ReplacingMergeTree(built_at)
ORDER BY clock;
