-- An insert into `events` commits the events part, then each view's part in the order of
-- the views' names. event_ids_mv must come last: an event ID in event_ids then proves every
-- derived table has the event, and an event whose ID is missing was torn by a crash (its
-- batch was never acknowledged; the writer rolls it back at start, lib/ingest/torn-inserts.ts).
-- event_refs_mv sorted after it; its view is recreated under a name that sorts before.
-- Migrations run before the writer starts, so no insert falls between the two statements.
DROP VIEW IF EXISTS event_refs_mv;
CREATE MATERIALIZED VIEW IF NOT EXISTS event_clock_refs_mv TO event_refs AS
SELECT type, ref, occurred_at, amount, currency, correlation_id, entity_key
FROM events ARRAY JOIN refs AS ref;
