-- The audit trail: every action and every administrative change (who, what, why, when,
-- outcome). Append-only: the code only INSERTs, no route updates or deletes, and no
-- TTL. ORDER BY (at, id): the viewer reads newest-first time ranges.
CREATE TABLE IF NOT EXISTS audit_log
(
    id UUID DEFAULT generateUUIDv4(),
    at DateTime64(3, 'UTC') DEFAULT now64(3),
    actor_id String,
    actor_name String,
    actor_role LowCardinality(String),
    -- 'session' | 'token' | 'system'
    via LowCardinality(String),
    -- e.g. action.resync, user.create, token.revoke, alert_rule.update, auth.login
    action LowCardinality(String),
    target String,
    reason String,
    -- 'ok' | 'refused' | 'failed' | 'requested' | ...
    outcome LowCardinality(String),
    details String,
    ip String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (at, id);
