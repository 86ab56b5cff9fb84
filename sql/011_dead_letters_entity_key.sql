-- The record a dead-lettered event is about (source:entity_type:entity_id, when the rejected
-- input named one), so an orphan waiting for that record can say it was dead-lettered and
-- link to the letter. Letters written before this migration read '' until 078 names their
-- records from their raw input.
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS entity_key String DEFAULT '';
