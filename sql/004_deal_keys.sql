-- Every entity key of every deal (the event's own key and the keys it refers to), for
-- "search by any key you know" and /api/resolve. ORDER BY entity_id first: users type
-- the bare number (INV-20417) far more often than the full key.
CREATE TABLE IF NOT EXISTS deal_keys
(
    entity_id String,
    entity_key String,
    correlation_id String
)
ENGINE = ReplacingMergeTree
ORDER BY (entity_id, entity_key, correlation_id);
