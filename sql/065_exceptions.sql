-- Workflow state of stuck items (exceptions), keyed by the stuck item id
-- exception_id = '<rule>:<entity_key>' (e.g. 'milestone-not-invoiced:psa:milestone:MS-1').
--
-- FOR QUERIES (stuck queues): LEFT JOIN the current state like this:
--   LEFT JOIN (SELECT exception_id, state, assignee, snoozed_until, resolution_code,
--                     opened_at, updated_at, updated_by
--              FROM exceptions FINAL) AS x ON x.exception_id = concat(rule, ':', entity_key)
-- Columns: state 'open' | 'acknowledged' | 'assigned' | 'snoozed' | 'resolved' (no row = open),
-- a 'snoozed' row whose snoozed_until <= now() counts as open again; assignee is a
-- username; opened_at = when it was first seen stuck (or first touched); resolved_at is
-- set once resolved. ReplacingMergeTree(version): every change is a new row, FINAL keeps
-- the latest (the table holds one row per exception touched, so FINAL is cheap).
CREATE TABLE IF NOT EXISTS exceptions
(
    exception_id String,
    rule LowCardinality(String),
    entity_key String,
    state LowCardinality(String),
    assignee String,
    snoozed_until Nullable(DateTime64(3, 'UTC')),
    resolution_code String,
    opened_at DateTime64(3, 'UTC'),
    resolved_at Nullable(DateTime64(3, 'UTC')),
    updated_at DateTime64(3, 'UTC'),
    updated_by String,
    last_action_id String,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY exception_id;
