-- The event type a dead-lettered event named (its raw input's "type", when that is one JSON
-- object with a string type; '' otherwise), beside its record (011): a letter counts as stored
-- since when its record's event of that type was received after it, also under another event
-- ID (a source without its own IDs hashes the corrected payload to a new one). Computed from
-- raw at insert; for letters written before this migration, on read.
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS event_type LowCardinality(String) DEFAULT JSONExtractString(raw, 'type');
