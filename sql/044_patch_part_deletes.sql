-- Moves (a late link renames a deal, an orphan is adopted, an admin merges or splits) delete
-- the stale copies of moved events. A classic lightweight DELETE is a mutation over every
-- part of the table: ~2 s per table at 1M events here, whatever it matches. With the block
-- number and offset columns the writer's DELETEs run as lightweight updates (patch parts,
-- `lightweight_delete_mode = 'lightweight_update'`): tens of milliseconds. Parts written
-- before this migration get the columns as they merge. deal_summary (AggregatingMergeTree)
-- does not support patch parts and keeps classic deletes.
ALTER TABLE events MODIFY SETTING enable_block_number_column = 1, enable_block_offset_column = 1;
ALTER TABLE deal_keys MODIFY SETTING enable_block_number_column = 1, enable_block_offset_column = 1;
ALTER TABLE event_facts MODIFY SETTING enable_block_number_column = 1, enable_block_offset_column = 1;
ALTER TABLE event_refs MODIFY SETTING enable_block_number_column = 1, enable_block_offset_column = 1;
