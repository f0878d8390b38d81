-- 0005: remembered devices (the SRP verifier of each device is sealed by the master key).
CREATE TABLE devices (
    pool_id       TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    device_key    TEXT NOT NULL,
    group_key     TEXT NOT NULL,
    name          TEXT,
    status        TEXT NOT NULL,
    confirmed     INTEGER NOT NULL,
    verifier      TEXT,
    last_ip       TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    last_auth_at  INTEGER NOT NULL,
    PRIMARY KEY (pool_id, device_key),
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX devices_user ON devices(pool_id, username_key, device_key);
