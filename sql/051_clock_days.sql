-- Closed intervals counted per day (lib/clocks/tallies.ts): for each tally — a clock and a
-- threshold (an SLA policy, the time-not-billed KPI) — how many intervals closed, and how
-- many of them late (closed_hours > threshold), per anchor day, start day and deal dimension
-- but the customer. Closed intervals no longer change with `now`, so the SLA view and the KPI
-- shares read these counts (~150k rows at 9.5M events) instead of every closed interval
-- (~3.8M); open intervals are still aged from clock_intervals when read.
-- Kept as signed deltas: a refresh round adds +1 for each row it inserts into clock_intervals
-- and −1 for each row it deletes there, so the sums always equal a recount of
-- clock_intervals; SummingMergeTree folds the deltas as parts merge (reads sum anyway). A
-- round cut short between its delta and its delete would break that: the refresher
-- reconciles every tally (inserts recount − sum) at start and after a failed round.
-- max_end: the latest end counted (never lowered): a reader whose `now` is before it reads
-- the intervals instead (an end after `now` is still open there).
CREATE TABLE IF NOT EXISTS clock_days
(
    tally LowCardinality(String),
    anchor_day Date,
    start_day Date,
    region LowCardinality(String),
    practice LowCardinality(String),
    legal_entity LowCardinality(String),
    billing_model LowCardinality(String),
    n Int64,
    n_late Int64,
    max_end SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = SummingMergeTree((n, n_late))
ORDER BY (tally, anchor_day, start_day, region, practice, legal_entity, billing_model)
TTL start_day + toIntervalDay({{events_ttl_days}});
