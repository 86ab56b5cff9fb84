-- Yearly partitions for events and its two narrow copies (001, 042, 043 made them monthly).
-- An insert writes a part per table and partition it touches: a batch spanning five months
-- of business time wrote 18 parts (~250 files) — 6 with yearly partitions. And a journey
-- lookup probes every part its deal's prefix range may be in: at 10M events over a year,
-- 37 parts in 12 partitions against 11 in 2 (getDeal p50 29.7 against 32.8–37.8 ms for a
-- typical deal, 32.1 against 43.6–47.4 for the largest; 2026-12-01, one store each).
-- Each table is rebuilt under a staging name and exchanged with it: materialized views
-- follow the name (checked: views on events and into a copy keep filling the new tables).
-- `AS <table>` keeps the columns (MATERIALIZED ones are computed again: SELECT * leaves them
-- out), the payload's TTL and the skip indexes; the engine clause restates the rest
-- (granules, patch-part columns of 044, row TTL; retention is re-applied at start anyway).
-- The copy applies the TTLs as it is written: payloads past their retention are cleared
-- now instead of at their part's next merge.
-- Re-runnable: a run cut short at any statement starts over from the first, and the
-- staging table left by an earlier run is dropped, never read (after the exchange the live
-- name already holds the rebuilt copy). Migrations run before the writer opens the store.
DROP TABLE IF EXISTS events_rebuild SYNC;
CREATE TABLE events_rebuild AS events
ENGINE = MergeTree
PARTITION BY toYear(occurred_at)
ORDER BY (correlation_id, occurred_at, event_id)
TTL toDateTime(occurred_at) + toIntervalDay({{events_ttl_days}})
SETTINGS index_granularity = 1024, enable_block_number_column = 1, enable_block_offset_column = 1;
INSERT INTO events_rebuild SELECT * FROM events;
EXCHANGE TABLES events AND events_rebuild;
DROP TABLE events_rebuild SYNC;
DROP TABLE IF EXISTS event_facts_rebuild SYNC;
CREATE TABLE event_facts_rebuild AS event_facts
ENGINE = MergeTree
PARTITION BY toYear(occurred_at)
ORDER BY (type, entity_key, occurred_at)
TTL toDateTime(occurred_at) + toIntervalDay({{events_ttl_days}})
SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1;
INSERT INTO event_facts_rebuild SELECT * FROM event_facts;
EXCHANGE TABLES event_facts AND event_facts_rebuild;
DROP TABLE event_facts_rebuild SYNC;
DROP TABLE IF EXISTS event_refs_rebuild SYNC;
CREATE TABLE event_refs_rebuild AS event_refs
ENGINE = MergeTree
PARTITION BY toYear(occurred_at)
ORDER BY (type, ref, occurred_at)
TTL toDateTime(occurred_at) + toIntervalDay({{events_ttl_days}})
SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1;
INSERT INTO event_refs_rebuild SELECT * FROM event_refs;
EXCHANGE TABLES event_refs AND event_refs_rebuild;
DROP TABLE event_refs_rebuild SYNC;
