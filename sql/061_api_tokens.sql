-- Personal API tokens (Authorization: Bearer). Only the SHA-256 of the token is kept
-- (tokens are 192-bit random, so a fast hash is enough); the token is shown once.
-- A token acts with its owner's role. ReplacingMergeTree(version): revoke/rotate write a
-- new version of the row.
CREATE TABLE IF NOT EXISTS api_tokens
(
    id String,
    user_id String,
    name String,
    token_hash String,
    -- first characters of the token, so an admin can recognise it
    prefix String,
    created_at DateTime64(3, 'UTC'),
    created_by String,
    revoked_at Nullable(DateTime64(3, 'UTC')),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;
