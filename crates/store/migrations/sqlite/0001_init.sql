-- 0001: pools, app clients, users with their sign-in keys, groups, meta.
-- PostgreSQL gets the same number with the same tables.
CREATE TABLE user_pools (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    settings    TEXT NOT NULL
);

CREATE TABLE app_clients (
    client_id     TEXT PRIMARY KEY,
    pool_id       TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    secret_sealed TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    settings      TEXT NOT NULL
);
CREATE INDEX app_clients_pool ON app_clients(pool_id, client_id);

-- The filterable attributes are copied into columns so ListUsers filters use an index.
CREATE TABLE users (
    pool_id            TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    username_key       TEXT NOT NULL,
    username           TEXT NOT NULL,
    sub                TEXT NOT NULL,
    status             TEXT NOT NULL,
    enabled            INTEGER NOT NULL,
    attributes         TEXT NOT NULL,
    password_hash      TEXT,
    password_set_at    INTEGER,
    tokens_valid_after INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    version            INTEGER NOT NULL,
    email              TEXT,
    phone_number       TEXT,
    name               TEXT,
    given_name         TEXT,
    family_name        TEXT,
    preferred_username TEXT,
    PRIMARY KEY (pool_id, username_key)
) WITHOUT ROWID;
CREATE UNIQUE INDEX users_sub ON users(pool_id, sub);
CREATE INDEX users_status ON users(pool_id, status, username_key);
CREATE INDEX users_enabled ON users(pool_id, enabled, username_key);
CREATE INDEX users_email ON users(pool_id, email, username_key);
CREATE INDEX users_phone_number ON users(pool_id, phone_number, username_key);
CREATE INDEX users_name ON users(pool_id, name, username_key);
CREATE INDEX users_given_name ON users(pool_id, given_name, username_key);
CREATE INDEX users_family_name ON users(pool_id, family_name, username_key);
CREATE INDEX users_preferred_username ON users(pool_id, preferred_username, username_key);

-- Unique sign-in keys besides the user name: active aliases and username attributes,
-- e.g. 'email:a@example.com'. One primary key makes concurrent claims of one key lose cleanly.
CREATE TABLE user_keys (
    pool_id      TEXT NOT NULL,
    key          TEXT NOT NULL,
    username_key TEXT NOT NULL,
    PRIMARY KEY (pool_id, key),
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX user_keys_user ON user_keys(pool_id, username_key);

CREATE TABLE groups (
    pool_id     TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT,
    role_arn    TEXT,
    precedence  INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (pool_id, name)
) WITHOUT ROWID;

CREATE TABLE group_members (
    pool_id      TEXT NOT NULL,
    group_name   TEXT NOT NULL,
    username_key TEXT NOT NULL,
    PRIMARY KEY (pool_id, group_name, username_key),
    FOREIGN KEY (pool_id, group_name) REFERENCES groups(pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX group_members_user ON group_members(pool_id, username_key, group_name);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
