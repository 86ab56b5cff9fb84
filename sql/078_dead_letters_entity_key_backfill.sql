-- The record of each letter written before 011 (whose entity_key reads ''), so the orphans'
-- lookup finds those letters too. The key is the one the ingest names at insert
-- (lib/events/entity-key.ts keysNamedBy; a test holds the two equal): the raw input's string
-- source, entity_type and entity_id as source:entity_type:entity_id, kept when it is a known
-- source's key (the sources of the catalogue when 011 came) or a stamped correlation ID's,
-- with no line break, of at most 300 UTF-16 units. Only invalid_event letters: the ingest
-- names no record for the others. Letters that name none keep ''. Waited for: letters are
-- few, their parts are rewritten once.
ALTER TABLE dead_letters UPDATE entity_key = if(
    match(concat(
        if(JSONType(raw, 'source') = 'String', JSONExtractString(raw, 'source'), ''), ':',
        if(JSONType(raw, 'entity_type') = 'String', JSONExtractString(raw, 'entity_type'), ''), ':',
        if(JSONType(raw, 'entity_id') = 'String', JSONExtractString(raw, 'entity_id'), '')) AS named,
      '^(?:(?:crm|cpq|clm|psa|hcm|erp|billing|payments|middleware):[a-z][a-z0-9_]{0,63}|corr:deal):[^\\n\\r\\x{2028}\\x{2029}]+$')
    AND lengthUTF8(named) + countMatches(named, '[\\x{10000}-\\x{10FFFF}]') <= 300,
    named, '')
  WHERE entity_key = '' AND reason = 'invalid_event'
SETTINGS mutations_sync = 2;
