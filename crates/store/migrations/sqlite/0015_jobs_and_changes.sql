-- 0015: long-running jobs of a pool (user imports with their uploaded file, point-in-time
-- recoveries) and the change log of user writes: for each write, the user as it was before
-- (NULL: it did not exist), which is what a restore to a past moment puts back.
CREATE TABLE pool_jobs (
    pool_id    TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    job_id     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    document   TEXT NOT NULL,
    upload     BLOB,
    PRIMARY KEY (pool_id, job_id)
);
CREATE INDEX pool_jobs_kind ON pool_jobs (kind, pool_id, created_at);
CREATE TABLE user_changes (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id      TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    username_key TEXT NOT NULL,
    at           INTEGER NOT NULL,
    before       TEXT
);
CREATE INDEX user_changes_pool ON user_changes (pool_id, at);
CREATE INDEX user_changes_at ON user_changes (at);
