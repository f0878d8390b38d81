-- 0007: failed sign-ins for names that are no user of the pool, so that a client preventing
-- user-existence errors locks an unknown name out exactly like a known one. Rows older than the
-- longest lockout are purged.
CREATE TABLE unknown_sign_in_failures (
    pool_id       TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    name_key      TEXT COLLATE "C" NOT NULL,
    failures      BIGINT NOT NULL,
    last_failure  BIGINT NOT NULL,
    locked_until  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, name_key)
);
CREATE INDEX unknown_sign_in_failures_last ON unknown_sign_in_failures (last_failure);
