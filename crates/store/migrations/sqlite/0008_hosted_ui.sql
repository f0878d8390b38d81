-- 0008: the hosted UI and OAuth 2.0: pool domains, resource servers, page customization,
-- managed-login branding, and single-use authorization codes.
CREATE TABLE user_pool_domains (
    domain      TEXT PRIMARY KEY,
    pool_id     TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    custom      INTEGER NOT NULL,
    document    TEXT NOT NULL
);
CREATE INDEX user_pool_domains_pool ON user_pool_domains (pool_id);

CREATE TABLE resource_servers (
    pool_id     TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    identifier  TEXT NOT NULL,
    document    TEXT NOT NULL,
    PRIMARY KEY (pool_id, identifier)
) WITHOUT ROWID;

CREATE TABLE ui_customizations (
    pool_id     TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    client_key  TEXT NOT NULL,
    document    TEXT NOT NULL,
    PRIMARY KEY (pool_id, client_key)
) WITHOUT ROWID;

CREATE TABLE managed_login_brandings (
    id          TEXT PRIMARY KEY,
    pool_id     TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL,
    document    TEXT NOT NULL,
    UNIQUE (pool_id, client_id)
);

CREATE TABLE oauth_codes (
    code_hash   TEXT PRIMARY KEY,
    pool_id     TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    expires_at  INTEGER NOT NULL,
    redemptions INTEGER NOT NULL DEFAULT 0,
    grant_doc   TEXT NOT NULL
);
CREATE INDEX oauth_codes_expiry ON oauth_codes (expires_at);

-- The scopes an OAuth sign-in granted, kept with its refresh tokens so a refresh grants the same
-- (empty: an API sign-in, whose tokens carry aws.cognito.signin.user.admin).
ALTER TABLE refresh_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
