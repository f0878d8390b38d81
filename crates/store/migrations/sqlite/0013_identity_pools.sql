-- 0013: identity pools (cognito-identity), their identities, and each identity's logins (a
-- login — provider and subject — belongs to one identity of the pool).
CREATE TABLE identity_pools (
    id          TEXT NOT NULL PRIMARY KEY,
    document    TEXT NOT NULL
);

CREATE TABLE identities (
    id          TEXT NOT NULL PRIMARY KEY,
    pool_id     TEXT NOT NULL REFERENCES identity_pools(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX identities_pool ON identities (pool_id, id);

CREATE TABLE identity_logins (
    pool_id     TEXT NOT NULL,
    provider    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    PRIMARY KEY (pool_id, provider, subject),
    UNIQUE (identity_id, provider)
);
