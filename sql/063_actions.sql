-- Actions requested by users (resync, retry, replay, acknowledge, assign, snooze,
-- resolve): one row per action, written once. The lifecycle is in action_status.
-- ORDER BY action_id: GET /api/actions/{id}; idempotency lookups filter the small
-- recent range by (requested_by, idempotency_key).
CREATE TABLE IF NOT EXISTS actions
(
    action_id String,
    idempotency_key String,
    kind LowCardinality(String),
    target LowCardinality(String),
    entity_key String,
    exception_id String,
    dead_letter_id String,
    assignee String,
    until Nullable(DateTime64(3, 'UTC')),
    resolution_code String,
    reason String,
    request String,
    requested_by String,
    requested_by_name String,
    requested_role LowCardinality(String),
    requested_at DateTime64(3, 'UTC'),
    subject String
)
ENGINE = MergeTree
ORDER BY action_id;
