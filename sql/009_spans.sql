-- OpenTelemetry spans received on /v1/traces (middleware integration runs).
-- ORDER BY (trace_id, start_time): the trace waterfall reads one trace. A deal's traces
-- are found through correlation_id (bloom filter); flow health scans by time and flow.
CREATE TABLE IF NOT EXISTS spans
(
    trace_id String,
    span_id String,
    parent_span_id String,
    name String,
    kind LowCardinality(String),
    service_name LowCardinality(String),
    start_time DateTime64(9, 'UTC') CODEC(Delta, ZSTD(1)),
    end_time DateTime64(9, 'UTC') CODEC(Delta, ZSTD(1)),
    duration_ns UInt64,
    status_code LowCardinality(String),
    status_message String,
    correlation_id String,
    flow_source LowCardinality(String),
    flow_target LowCardinality(String),
    attributes Map(LowCardinality(String), String),
    resource_attributes Map(LowCardinality(String), String),
    events Array(Tuple(time DateTime64(9, 'UTC'), name String, attributes Map(String, String))),
    received_at DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_corr correlation_id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(start_time)
ORDER BY (trace_id, start_time, span_id)
TTL toDateTime(start_time) + toIntervalDay({{events_ttl_days}});
