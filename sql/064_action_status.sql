-- Append-only status log of each action: requested → sent → acknowledged → verified |
-- failed | timed_out. The current status is argMax(status, (rank, at)); rank orders the
-- steps so a late 'acknowledged' never hides a 'verified'.
CREATE TABLE IF NOT EXISTS action_status
(
    action_id String,
    at DateTime64(3, 'UTC'),
    status LowCardinality(String),
    rank UInt8,
    detail String
)
ENGINE = MergeTree
ORDER BY (action_id, at);
