-- Cashtrace's own ingest health reads the events received in the last minutes. received_at
-- is not in the sort key, so every read scanned the column in full (getIngestHealth at 9.7M
-- events: p50 177 ms). Merged parts hold older receipts, new parts recent ones: a minmax
-- index per granule skips the old. Parts written before this migration are indexed by the
-- mutation below, waited for (2 s at 9.75M events): left running in the background it could
-- overlap the writer's first patch-part deletes on events (ClickHouse #116686: a concurrent
-- mutation can drop an in-flight patch).
ALTER TABLE events ADD INDEX IF NOT EXISTS idx_received_at received_at TYPE minmax GRANULARITY 1;
ALTER TABLE events MATERIALIZE INDEX idx_received_at SETTINGS mutations_sync = 2;
