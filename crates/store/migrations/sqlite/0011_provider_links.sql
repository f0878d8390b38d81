-- 0011: external identities linked to users (AdminLinkProviderForUser).
CREATE TABLE provider_links (
    pool_id         TEXT NOT NULL,
    provider_name   TEXT NOT NULL,
    subject         TEXT NOT NULL,
    attribute_name  TEXT NOT NULL,
    username_key    TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (pool_id, provider_name, subject),
    FOREIGN KEY (pool_id, provider_name) REFERENCES identity_providers(pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX provider_links_user ON provider_links(pool_id, username_key);
