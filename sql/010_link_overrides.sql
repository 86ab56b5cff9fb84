-- Manual corrections of the link graph, append-only: `merge` adds a link the data
-- missed, `split` blocks a wrong one. Replayed into the stitcher at every start; also
-- the audit record of who changed which deal and why. Ordered by time (read in full).
CREATE TABLE IF NOT EXISTS link_overrides
(
    created_at DateTime64(3, 'UTC') DEFAULT now64(3),
    kind LowCardinality(String),
    a String,
    b String,
    actor String,
    reason String
)
ENGINE = MergeTree
ORDER BY created_at;
