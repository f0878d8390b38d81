-- 0007: failed sign-ins for names that are no user of the pool, so that a client preventing
-- user-existence errors locks an unknown name out exactly like a known one. Rows older than the
-- longest lockout are purged.
CREATE TABLE unknown_sign_in_failures (
    pool_id       TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    name_key      TEXT NOT NULL,
    failures      INTEGER NOT NULL,
    last_failure  INTEGER NOT NULL,
    locked_until  INTEGER NOT NULL,
    PRIMARY KEY (pool_id, name_key)
) WITHOUT ROWID;
CREATE INDEX unknown_sign_in_failures_last ON unknown_sign_in_failures (last_failure);
