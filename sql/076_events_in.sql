-- Where the ingest writer inserts: events in their canonical form (DOMAIN.md §3), each
-- line as the source sent it when it was already in normal form (lib/ingest/rows), with
-- what Cashtrace adds in front of it — the deal it was stitched to, when it was received,
-- its entity key and its amount as validated. Nothing is stored here (Null engine); the
-- view below writes each row into `events` (whose own views fill the derived tables) with
-- the columns `events` derives from the canonical fields. Writing the canonical line
-- instead of re-serialising every event spares the ingest path's JavaScript a
-- JSON.stringify per event.
-- Keys a line holds twice would be read first-wins here and last-wins by JSON.parse: the
-- writer inserts with input_format_json_ignore_unnecessary_fields = 0 (such a line fails
-- the insert) and then sends the batch again re-serialised.
CREATE TABLE IF NOT EXISTS events_in
(
    deal_correlation_id String,
    received_default DateTime64(3, 'UTC'),
    entity_key String,
    amount_value Nullable(Decimal(18, 2)),
    event_id String,
    source String,
    source_instance String,
    type String,
    occurred_at DateTime64(3, 'UTC'),
    received_at Nullable(DateTime64(3, 'UTC')),
    entity_type String,
    entity_id String,
    refs Array(String),
    correlation_id String,
    currency String,
    status String,
    due_at Nullable(DateTime64(3, 'UTC')),
    period_end Nullable(DateTime64(3, 'UTC')),
    attributes Map(String, String),
    trace_id String,
    span_id String,
    payload String
)
ENGINE = Null;
-- Qualified names (events_in.x) where an output alias shares the input column's name.
CREATE MATERIALIZED VIEW IF NOT EXISTS events_in_mv TO events AS
SELECT
    deal_correlation_id AS correlation_id,
    event_id,
    source,
    source_instance,
    type,
    occurred_at,
    coalesce(events_in.received_at, received_default) AS received_at,
    entity_type,
    entity_id,
    entity_key,
    refs,
    events_in.correlation_id AS stamped_correlation_id,
    amount_value AS amount,
    if(events_in.currency != '', events_in.currency, attributes['currency']) AS currency,
    status,
    due_at,
    period_end,
    attributes['customer'] AS customer,
    attributes['region'] AS region,
    attributes['practice'] AS practice,
    attributes['legal_entity'] AS legal_entity,
    attributes['billing_model'] AS billing_model,
    attributes,
    trace_id,
    span_id,
    payload
FROM events_in;
