-- Alert rules (admin CRUD). kind: sla_breaches | stuck_count | stuck_amount |
-- flow_error_rate; params is the kind's JSON (threshold, rule, window...); channel is a
-- generic JSON webhook or a Slack-compatible incoming webhook. Deletes write a row with
-- deleted = 1. ReplacingMergeTree(version), read with FINAL (a handful of rows).
CREATE TABLE IF NOT EXISTS alert_rules
(
    id String,
    name String,
    kind LowCardinality(String),
    params String,
    channel LowCardinality(String),
    url String,
    reminder_minutes UInt32,
    enabled UInt8,
    deleted UInt8,
    updated_at DateTime64(3, 'UTC'),
    updated_by String,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;
