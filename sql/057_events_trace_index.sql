-- The trace view finds the canonical events that carry a trace ID (sync events stamped by
-- middleware). trace_id is not in the sort key; a bloom filter skips the granules without it.
-- Parts written before this migration are indexed as they merge.
ALTER TABLE events ADD INDEX IF NOT EXISTS idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 4;
