-- 0017: tracked sessions (SetUserPoolSessionConfiguration): one row per token session (a
-- sign-in's refresh tokens, keyed by origin_jti) or SSO session (a hosted-UI cookie, keyed by
-- its id), while the pool tracks sessions. Revoking one revokes its key through `revocations`
-- and deletes the row.
CREATE TABLE user_sessions (
    pool_id         TEXT NOT NULL,
    session_id      TEXT NOT NULL,
    username_key    TEXT NOT NULL,
    kind            TEXT NOT NULL,
    session_key     TEXT NOT NULL,
    origin_session  TEXT,
    client_id       TEXT,
    device_type     TEXT,
    ip              TEXT,
    created_at      INTEGER NOT NULL,
    last_active_at  INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    PRIMARY KEY (pool_id, session_id),
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX user_sessions_user ON user_sessions(pool_id, username_key);
CREATE INDEX user_sessions_expiry ON user_sessions(expires_at);
