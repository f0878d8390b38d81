-- 0019: threat protection's auth events (while a pool's AdvancedSecurityMode is AUDIT or
-- ENFORCED): one row per sign-in, sign-up, password change or reset of a user, the whole
-- event as JSON in `body`, with the columns the risk assessment and the listing query.
CREATE TABLE auth_events (
    pool_id       TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    ip            TEXT,
    failed        INTEGER NOT NULL,
    body          TEXT NOT NULL,
    PRIMARY KEY (pool_id, event_id),
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX auth_events_user ON auth_events(pool_id, username_key, created_at);
CREATE INDEX auth_events_ip ON auth_events(pool_id, ip, failed, created_at);
CREATE INDEX auth_events_age ON auth_events(created_at);
