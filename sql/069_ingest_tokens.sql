-- Ingest tokens created by admins (besides CASHTRACE_INGEST_TOKEN): Bearer tokens for the
-- collectors' endpoints, optionally limited to one collector (scope = its name, '' = all).
-- Only the SHA-256 is kept; the value is shown once. ReplacingMergeTree(version): rotate
-- and revoke write a new version of the row.
CREATE TABLE IF NOT EXISTS ingest_tokens
(
    id String,
    name String,
    scope String,
    token_hash String,
    prefix String,
    created_at DateTime64(3, 'UTC'),
    created_by String,
    revoked_at Nullable(DateTime64(3, 'UTC')),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;
