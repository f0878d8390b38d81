-- 0005: remembered devices (the SRP verifier of each device is sealed by the master key).
CREATE TABLE devices (
    pool_id       TEXT COLLATE "C" NOT NULL,
    username_key  TEXT COLLATE "C" NOT NULL,
    device_key    TEXT COLLATE "C" NOT NULL,
    group_key     TEXT COLLATE "C" NOT NULL,
    name          TEXT COLLATE "C",
    status        TEXT COLLATE "C" NOT NULL,
    confirmed     BOOLEAN NOT NULL,
    verifier      TEXT COLLATE "C",
    last_ip       TEXT COLLATE "C",
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    last_auth_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, device_key),
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX devices_user ON devices(pool_id, username_key, device_key);
