-- 0008: the hosted UI and OAuth 2.0: pool domains, resource servers, page customization,
-- managed-login branding, and single-use authorization codes.
CREATE TABLE user_pool_domains (
    domain      TEXT COLLATE "C" PRIMARY KEY,
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    custom      BOOLEAN NOT NULL,
    document    TEXT NOT NULL
);
CREATE INDEX user_pool_domains_pool ON user_pool_domains (pool_id);

CREATE TABLE resource_servers (
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    identifier  TEXT COLLATE "C" NOT NULL,
    document    TEXT NOT NULL,
    PRIMARY KEY (pool_id, identifier)
);

CREATE TABLE ui_customizations (
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    client_key  TEXT COLLATE "C" NOT NULL,
    document    TEXT NOT NULL,
    PRIMARY KEY (pool_id, client_key)
);

CREATE TABLE managed_login_brandings (
    id          TEXT COLLATE "C" PRIMARY KEY,
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    client_id   TEXT COLLATE "C" NOT NULL,
    document    TEXT NOT NULL,
    UNIQUE (pool_id, client_id)
);

CREATE TABLE oauth_codes (
    code_hash   TEXT COLLATE "C" PRIMARY KEY,
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL,
    redemptions BIGINT NOT NULL DEFAULT 0,
    grant_doc   TEXT NOT NULL
);
CREATE INDEX oauth_codes_expiry ON oauth_codes (expires_at);

-- The scopes an OAuth sign-in granted, kept with its refresh tokens so a refresh grants the same
-- (empty: an API sign-in, whose tokens carry aws.cognito.signin.user.admin).
ALTER TABLE refresh_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
