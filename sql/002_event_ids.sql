-- Every committed event_id, sorted by it: the dedup lookup before each insert
-- (a point lookup per batch instead of scanning events).
CREATE TABLE IF NOT EXISTS event_ids
(
    event_id String,
    correlation_id String
)
ENGINE = ReplacingMergeTree
ORDER BY event_id;
