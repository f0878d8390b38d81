-- 0016: Cognito Sync. A dataset is a key→value map of one identity; its sync count grows by
-- one with every accepted UpdateRecords, and each record carries the count at which it last
-- changed. Removed records stay as tombstones (value NULL) and a deleted dataset stays as a
-- row (deleted = 1) so that other devices learn of the removal. Datasets go with their
-- identity; a merged identity's datasets move to the surviving one (ON UPDATE CASCADE).
CREATE TABLE sync_datasets (
    identity_id      TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    pool_id          TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    last_modified_by TEXT NOT NULL,
    sync_count       INTEGER NOT NULL,
    records          INTEGER NOT NULL,
    bytes            INTEGER NOT NULL,
    deleted          INTEGER NOT NULL,
    merged           TEXT NOT NULL,
    PRIMARY KEY (identity_id, name)
);
CREATE INDEX sync_datasets_pool ON sync_datasets (pool_id);
CREATE TABLE sync_records (
    identity_id        TEXT NOT NULL,
    dataset            TEXT NOT NULL,
    key                TEXT NOT NULL,
    value              TEXT,
    sync_count         INTEGER NOT NULL,
    modified_at        INTEGER NOT NULL,
    modified_by        TEXT NOT NULL,
    device_modified_at INTEGER,
    PRIMARY KEY (identity_id, dataset, key),
    FOREIGN KEY (identity_id, dataset) REFERENCES sync_datasets (identity_id, name) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX sync_records_count ON sync_records (identity_id, dataset, sync_count, key);
-- Per identity pool: Get/SetIdentityPoolConfiguration and Get/SetCognitoEvents, one document.
CREATE TABLE sync_pool_config (
    pool_id  TEXT NOT NULL PRIMARY KEY REFERENCES identity_pools(id) ON DELETE CASCADE,
    document TEXT NOT NULL
);
-- Push sync: devices (RegisterDevice) and their dataset subscriptions.
CREATE TABLE sync_devices (
    device_id   TEXT NOT NULL PRIMARY KEY,
    pool_id     TEXT NOT NULL,
    identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    platform    TEXT NOT NULL,
    token       TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX sync_devices_token ON sync_devices (identity_id, platform, token);
CREATE TABLE sync_subscriptions (
    identity_id TEXT NOT NULL,
    dataset     TEXT NOT NULL,
    device_id   TEXT NOT NULL REFERENCES sync_devices(device_id) ON DELETE CASCADE,
    PRIMARY KEY (identity_id, dataset, device_id)
);
