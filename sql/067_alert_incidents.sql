-- One row per (rule, breach key) while it is open, then resolved: the dedup state of
-- the alert evaluator (an open incident is never announced twice; reminders follow
-- reminder_minutes; resolution sends one notice). ReplacingMergeTree(version).
CREATE TABLE IF NOT EXISTS alert_incidents
(
    incident_id String,
    rule_id String,
    breach_key String,
    state LowCardinality(String),
    summary String,
    value Float64,
    opened_at DateTime64(3, 'UTC'),
    last_notified_at DateTime64(3, 'UTC'),
    reminders UInt32,
    resolved_at Nullable(DateTime64(3, 'UTC')),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (rule_id, breach_key, incident_id);
