-- Every reference of every event (ARRAY JOIN refs), ORDER BY (type, ref): the end side of
-- the record and invoice-paid clocks (an approval, invoice or payment that refers to the
-- start record) and of the DSO is one contiguous range per type, already grouped by ref.
-- One row per (event, ref) with its time and amount, so cumulative payment matching keeps
-- the list of (occurred_at, amount). correlation_id and entity_key let the writer delete
-- the stale copy of a moved event (like event_facts). Backfilled once, as 042.
CREATE TABLE IF NOT EXISTS event_refs
(
    type LowCardinality(String),
    ref String,
    occurred_at DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    amount Nullable(Decimal(18, 2)),
    currency LowCardinality(String),
    correlation_id String,
    entity_key String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (type, ref, occurred_at)
TTL toDateTime(occurred_at) + toIntervalDay({{events_ttl_days}});
CREATE MATERIALIZED VIEW IF NOT EXISTS event_refs_mv TO event_refs AS
SELECT type, ref, occurred_at, amount, currency, correlation_id, entity_key
FROM events ARRAY JOIN refs AS ref;
INSERT INTO event_refs
SELECT type, ref, occurred_at, amount, currency, correlation_id, entity_key
FROM events ARRAY JOIN refs AS ref;
