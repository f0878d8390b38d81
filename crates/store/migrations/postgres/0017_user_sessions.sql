-- 0017: tracked sessions (SetUserPoolSessionConfiguration): one row per token session (a
-- sign-in's refresh tokens, keyed by origin_jti) or SSO session (a hosted-UI cookie, keyed by
-- its id), while the pool tracks sessions. Revoking one revokes its key through `revocations`
-- and deletes the row.
CREATE TABLE user_sessions (
    pool_id         TEXT COLLATE "C" NOT NULL,
    session_id      TEXT COLLATE "C" NOT NULL,
    username_key    TEXT COLLATE "C" NOT NULL,
    kind            TEXT COLLATE "C" NOT NULL,
    session_key     TEXT COLLATE "C" NOT NULL,
    origin_session  TEXT COLLATE "C",
    client_id       TEXT COLLATE "C",
    device_type     TEXT,
    ip              TEXT COLLATE "C",
    created_at      BIGINT NOT NULL,
    last_active_at  BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    PRIMARY KEY (pool_id, session_id),
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX user_sessions_user ON user_sessions(pool_id, username_key);
CREATE INDEX user_sessions_expiry ON user_sessions(expires_at);
