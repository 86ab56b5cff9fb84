-- Fills event_ids in the same insert as events.
CREATE MATERIALIZED VIEW IF NOT EXISTS event_ids_mv TO event_ids AS
SELECT event_id, correlation_id FROM events;
