-- 0016: Cognito Sync. A dataset is a key→value map of one identity; its sync count grows by
-- one with every accepted UpdateRecords, and each record carries the count at which it last
-- changed. Removed records stay as tombstones (value NULL) and a deleted dataset stays as a
-- row (deleted = 1) so that other devices learn of the removal. Datasets go with their
-- identity; a merged identity's datasets move to the surviving one (ON UPDATE CASCADE).
CREATE TABLE sync_datasets (
    identity_id      TEXT COLLATE "C" NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    name             TEXT COLLATE "C" NOT NULL,
    pool_id          TEXT COLLATE "C" NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    last_modified_by TEXT NOT NULL,
    sync_count       BIGINT NOT NULL,
    records          BIGINT NOT NULL,
    bytes            BIGINT NOT NULL,
    deleted          BIGINT NOT NULL,
    merged           TEXT NOT NULL,
    PRIMARY KEY (identity_id, name)
);
CREATE INDEX sync_datasets_pool ON sync_datasets (pool_id);
CREATE TABLE sync_records (
    identity_id        TEXT COLLATE "C" NOT NULL,
    dataset            TEXT COLLATE "C" NOT NULL,
    key                TEXT COLLATE "C" NOT NULL,
    value              TEXT,
    sync_count         BIGINT NOT NULL,
    modified_at        BIGINT NOT NULL,
    modified_by        TEXT NOT NULL,
    device_modified_at BIGINT,
    PRIMARY KEY (identity_id, dataset, key),
    FOREIGN KEY (identity_id, dataset) REFERENCES sync_datasets (identity_id, name) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX sync_records_count ON sync_records (identity_id, dataset, sync_count, key);
-- Per identity pool: Get/SetIdentityPoolConfiguration and Get/SetCognitoEvents, one document.
CREATE TABLE sync_pool_config (
    pool_id  TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES identity_pools(id) ON DELETE CASCADE,
    document TEXT NOT NULL
);
-- Push sync: devices (RegisterDevice) and their dataset subscriptions.
CREATE TABLE sync_devices (
    device_id   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    pool_id     TEXT COLLATE "C" NOT NULL,
    identity_id TEXT COLLATE "C" NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    platform    TEXT NOT NULL,
    token       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX sync_devices_token ON sync_devices (identity_id, platform, token);
CREATE TABLE sync_subscriptions (
    identity_id TEXT COLLATE "C" NOT NULL,
    dataset     TEXT COLLATE "C" NOT NULL,
    device_id   TEXT COLLATE "C" NOT NULL REFERENCES sync_devices(device_id) ON DELETE CASCADE,
    PRIMARY KEY (identity_id, dataset, device_id)
);
