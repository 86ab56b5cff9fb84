-- Keys of resolved events only; orphans are found through events where correlation_id = ''.
CREATE MATERIALIZED VIEW IF NOT EXISTS deal_keys_mv TO deal_keys AS
SELECT
    substring(k, position(k, ':', position(k, ':') + 1) + 1) AS entity_id,
    k AS entity_key,
    correlation_id
FROM events
ARRAY JOIN arrayConcat([entity_key], refs, if(stamped_correlation_id = '', [], [concat('corr:deal:', stamped_correlation_id)])) AS k
WHERE correlation_id != '';
