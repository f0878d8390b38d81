-- 0015: long-running jobs of a pool (user imports with their uploaded file, point-in-time
-- recoveries) and the change log of user writes: for each write, the user as it was before
-- (NULL: it did not exist), which is what a restore to a past moment puts back.
CREATE TABLE pool_jobs (
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    job_id     TEXT COLLATE "C" NOT NULL,
    kind       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    version    BIGINT NOT NULL,
    document   TEXT NOT NULL,
    upload     BYTEA,
    PRIMARY KEY (pool_id, job_id)
);
CREATE INDEX pool_jobs_kind ON pool_jobs (kind, pool_id, created_at);
CREATE TABLE user_changes (
    seq          BIGSERIAL PRIMARY KEY,
    pool_id      TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    username_key TEXT COLLATE "C" NOT NULL,
    at           BIGINT NOT NULL,
    before       TEXT
);
CREATE INDEX user_changes_pool ON user_changes (pool_id, at);
CREATE INDEX user_changes_at ON user_changes (at);
