-- The stitched canonical events: one row per event_id, under the deal it resolved to
-- (correlation_id = '' while it is an orphan). Figures read this table; the payload
-- column keeps the original bytes for audit and replay.
-- ORDER BY correlation_id first: the journey lookup (every query of a deal page) is a
-- prefix range; orphans sort together under ''. Monthly partitions by business time.
-- TTLs are placeholders filled from configuration and re-applied at every start.
CREATE TABLE IF NOT EXISTS events
(
    correlation_id String,
    event_id String,
    source LowCardinality(String),
    source_instance LowCardinality(String),
    type LowCardinality(String),
    occurred_at DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    received_at DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    entity_type LowCardinality(String),
    entity_id String,
    entity_key String,
    refs Array(String),
    stamped_correlation_id String,
    amount Nullable(Decimal(18, 2)),
    currency LowCardinality(String),
    status LowCardinality(String),
    due_at Nullable(DateTime64(3, 'UTC')),
    period_end Nullable(DateTime64(3, 'UTC')),
    customer LowCardinality(String),
    region LowCardinality(String),
    practice LowCardinality(String),
    legal_entity LowCardinality(String),
    billing_model LowCardinality(String),
    attributes Map(LowCardinality(String), String),
    trace_id String CODEC(ZSTD(1)),
    span_id String CODEC(ZSTD(1)),
    payload String CODEC(ZSTD(3)) TTL toDateTime(received_at) + toIntervalDay({{payload_ttl_days}}),
    INDEX idx_type type TYPE set(64) GRANULARITY 4,
    INDEX idx_entity_id entity_id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (correlation_id, occurred_at, event_id)
TTL toDateTime(occurred_at) + toIntervalDay({{events_ttl_days}})
-- 1024-row granules: a journey reads a few dozen rows from each part it spans; with the
-- default 8192 it decompressed 8× more (journey lookup p50 −30% measured at 1M events).
-- Clocks and aggregates read the narrow copies (042, 043), not this table.
SETTINGS index_granularity = 1024;
