-- Every delivery attempt of an alert notification (append-only): which notice, to
-- which channel, attempt number, HTTP status or error. Retries reuse delivery_id.
CREATE TABLE IF NOT EXISTS alert_deliveries
(
    delivery_id String,
    incident_id String,
    rule_id String,
    notice LowCardinality(String),
    channel LowCardinality(String),
    url_host String,
    attempt UInt32,
    at DateTime64(3, 'UTC'),
    ok UInt8,
    http_status UInt16,
    error String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (at, delivery_id);
