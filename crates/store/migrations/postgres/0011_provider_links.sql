-- 0011: external identities linked to users (AdminLinkProviderForUser).
CREATE TABLE provider_links (
    pool_id         TEXT COLLATE "C" NOT NULL,
    provider_name   TEXT COLLATE "C" NOT NULL,
    subject         TEXT COLLATE "C" NOT NULL,
    attribute_name  TEXT COLLATE "C" NOT NULL,
    username_key    TEXT COLLATE "C" NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (pool_id, provider_name, subject),
    FOREIGN KEY (pool_id, provider_name) REFERENCES identity_providers(pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX provider_links_user ON provider_links(pool_id, username_key);
