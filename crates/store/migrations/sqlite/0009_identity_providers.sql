-- 0009: federated identity providers, and their IdpIdentifiers (unique in a pool).
CREATE TABLE identity_providers (
    pool_id     TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    document    TEXT NOT NULL,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE idp_identifiers (
    pool_id     TEXT NOT NULL,
    identifier  TEXT NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (pool_id, identifier),
    FOREIGN KEY (pool_id, name) REFERENCES identity_providers(pool_id, name) ON DELETE CASCADE
);
