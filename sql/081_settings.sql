-- Settings an admin changes on /admin (PUT /api/admin/settings) over the environment's:
-- exchange rates (kind 'fx_rate', key: the currency) and KPI targets (kind 'kpi_target', key:
-- the KPI id, value in the unit the KPI is measured in). value NULL: reset (the environment's
-- or the built-in value counts again). One row per change, read with argMax(…, version) per
-- (kind, key): a handful of rows. Every change is also in the audit trail (settings.update).
CREATE TABLE IF NOT EXISTS settings
(
    kind LowCardinality(String),
    key String,
    value Nullable(Float64),
    updated_at DateTime64(3, 'UTC'),
    updated_by String,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (kind, key);
