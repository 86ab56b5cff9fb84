-- Users of the app (local sign-in, demo seed, or created on first OIDC sign-in).
-- ReplacingMergeTree(version): an update is a new row with a higher version; the table is
-- tiny, so reads use FINAL. ORDER BY id: lookups are by id; by username a scan of a few rows.
CREATE TABLE IF NOT EXISTS users
(
    id String,
    username String,
    display_name String,
    role LowCardinality(String),
    -- scrypt$N$r$p$salt$hash (base64url); '' for users who sign in through OIDC only
    password_hash String,
    -- 'local' | 'demo' | 'oidc'
    origin LowCardinality(String),
    disabled UInt8,
    created_at DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;
