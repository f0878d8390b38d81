-- 0002: signing keys, refresh tokens, revocations, sign-in failures, one-time codes.
CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    sealed_key  TEXT NOT NULL,
    n           TEXT NOT NULL,
    e           TEXT NOT NULL
);

-- Refresh tokens are stored only as SHA-256 hashes.
CREATE TABLE refresh_tokens (
    token_hash   TEXT PRIMARY KEY,
    pool_id      TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    username_key TEXT NOT NULL,
    origin_jti   TEXT NOT NULL,
    auth_time    INTEGER NOT NULL,
    device_key   TEXT,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX refresh_tokens_user ON refresh_tokens(pool_id, username_key);

-- Revoked sign-in sessions (by origin_jti), read by every node into memory.
CREATE TABLE revocations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    origin_jti  TEXT NOT NULL,
    revoked_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX revocations_expiry ON revocations(expires_at);

CREATE TABLE sign_in_failures (
    pool_id       TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    failures      INTEGER NOT NULL,
    last_failure  INTEGER NOT NULL,
    locked_until  INTEGER NOT NULL,
    PRIMARY KEY (pool_id, username_key),
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;

-- One live code per user and purpose (sign-up, password reset, attribute verification).
CREATE TABLE codes (
    pool_id      TEXT NOT NULL,
    username_key TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    code_hash    TEXT NOT NULL,
    expires_at   INTEGER NOT NULL,
    attempts     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (pool_id, username_key, purpose),
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;
