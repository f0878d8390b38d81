-- 0013: identity pools (cognito-identity), their identities, and each identity's logins (a
-- login — provider and subject — belongs to one identity of the pool).
CREATE TABLE identity_pools (
    id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    document    TEXT NOT NULL
);

CREATE TABLE identities (
    id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES identity_pools(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX identities_pool ON identities (pool_id, id);

CREATE TABLE identity_logins (
    pool_id     TEXT COLLATE "C" NOT NULL,
    provider    TEXT COLLATE "C" NOT NULL,
    subject     TEXT COLLATE "C" NOT NULL,
    identity_id TEXT COLLATE "C" NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    PRIMARY KEY (pool_id, provider, subject),
    UNIQUE (identity_id, provider)
);
