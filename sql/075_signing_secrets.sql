-- Per-source signing secrets created by admins (besides CASHTRACE_<SOURCE>_SECRET): the
-- HMAC keys the stripe, hubspot, docusign, quickbooks, xero and netsuite collectors verify
-- deliveries with. The collectors need the plaintext, so it is kept encrypted (AES-256-GCM,
-- lib/auth/secret-box.ts: `v1.<key id>.<iv>.<tag>.<ciphertext>`), never hashed; lists show
-- only prefix and fingerprint. Rotation adds a row (rotated_from = the old id) and leaves
-- the old one active until revoked. ReplacingMergeTree(version): revoke writes a new version.
CREATE TABLE IF NOT EXISTS signing_secrets
(
    id String,
    source LowCardinality(String),
    name String,
    secret_sealed String,
    prefix String,
    fingerprint String,
    origin LowCardinality(String),
    rotated_from String,
    created_at DateTime64(3, 'UTC'),
    created_by String,
    revoked_at Nullable(DateTime64(3, 'UTC')),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;
