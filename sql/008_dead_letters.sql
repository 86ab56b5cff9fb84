-- Input that could not be accepted, with the reason and the raw bytes, for IT to
-- inspect and replay. Ordered by time: the view lists the newest first.
CREATE TABLE IF NOT EXISTS dead_letters
(
    id UUID DEFAULT generateUUIDv4(),
    received_at DateTime64(3, 'UTC') DEFAULT now64(3),
    collector LowCardinality(String),
    reason LowCardinality(String),
    errors Array(String),
    event_id String,
    content_type String,
    raw String CODEC(ZSTD(3))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (received_at, id)
TTL toDateTime(received_at) + toIntervalDay({{dead_letter_ttl_days}});
