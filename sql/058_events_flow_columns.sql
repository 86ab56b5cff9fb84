-- Flow health reads the flow, the attempt and the dead-letter flag of every sync event.
-- Read from the attributes Map they cost a scan of the whole map column; as materialized
-- columns they are a few bytes per row (computed on insert; older parts compute on read
-- until they merge). SELECT * leaves MATERIALIZED columns out, so the writer's row moves
-- (INSERT … SELECT *) are unaffected.
ALTER TABLE events ADD COLUMN IF NOT EXISTS flow_source LowCardinality(String) MATERIALIZED attributes['flow_source'];
ALTER TABLE events ADD COLUMN IF NOT EXISTS flow_target LowCardinality(String) MATERIALIZED attributes['flow_target'];
ALTER TABLE events ADD COLUMN IF NOT EXISTS sync_attempt UInt16 MATERIALIZED toUInt16OrZero(attributes['attempt']);
ALTER TABLE events ADD COLUMN IF NOT EXISTS sync_dead_letter Bool MATERIALIZED attributes['dead_letter'] IN ('true', '1', 'yes');
