-- 0002: signing keys, refresh tokens, revocations, sign-in failures, one-time codes.
CREATE TABLE signing_keys (
    kid         TEXT COLLATE "C" PRIMARY KEY,
    created_at  BIGINT NOT NULL,
    sealed_key  TEXT COLLATE "C" NOT NULL,
    n           TEXT COLLATE "C" NOT NULL,
    e           TEXT COLLATE "C" NOT NULL
);

-- Refresh tokens are stored only as SHA-256 hashes.
CREATE TABLE refresh_tokens (
    token_hash   TEXT COLLATE "C" PRIMARY KEY,
    pool_id      TEXT COLLATE "C" NOT NULL,
    client_id    TEXT COLLATE "C" NOT NULL,
    username_key TEXT COLLATE "C" NOT NULL,
    origin_jti   TEXT COLLATE "C" NOT NULL,
    auth_time    BIGINT NOT NULL,
    device_key   TEXT COLLATE "C",
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_user ON refresh_tokens(pool_id, username_key);

-- Revoked sign-in sessions (by origin_jti), read by every node into memory.
CREATE TABLE revocations (
    id          BIGSERIAL PRIMARY KEY,
    origin_jti  TEXT COLLATE "C" NOT NULL,
    revoked_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX revocations_expiry ON revocations(expires_at);

CREATE TABLE sign_in_failures (
    pool_id       TEXT COLLATE "C" NOT NULL,
    username_key  TEXT COLLATE "C" NOT NULL,
    failures      BIGINT NOT NULL,
    last_failure  BIGINT NOT NULL,
    locked_until  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, username_key),
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
);

-- One live code per user and purpose (sign-up, password reset, attribute verification).
CREATE TABLE codes (
    pool_id      TEXT COLLATE "C" NOT NULL,
    username_key TEXT COLLATE "C" NOT NULL,
    purpose      TEXT COLLATE "C" NOT NULL,
    code_hash    TEXT COLLATE "C" NOT NULL,
    expires_at   BIGINT NOT NULL,
    attempts     BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (pool_id, username_key, purpose),
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
);
