-- 0001: pools, app clients, users with their sign-in keys, groups, meta.
-- The PostgreSQL twin of migrations/sqlite/0001_init.sql: BIGINT for integers, BOOLEAN for
-- flags, and byte-order ("C") collation so key order matches SQLite's.
CREATE TABLE user_pools (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    settings    TEXT COLLATE "C" NOT NULL
);

CREATE TABLE app_clients (
    client_id     TEXT COLLATE "C" PRIMARY KEY,
    pool_id       TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    name          TEXT COLLATE "C" NOT NULL,
    secret_sealed TEXT COLLATE "C",
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    settings      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX app_clients_pool ON app_clients(pool_id, client_id);

-- The filterable attributes are copied into columns so ListUsers filters use an index.
CREATE TABLE users (
    pool_id            TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    username_key       TEXT COLLATE "C" NOT NULL,
    username           TEXT COLLATE "C" NOT NULL,
    sub                TEXT COLLATE "C" NOT NULL,
    status             TEXT COLLATE "C" NOT NULL,
    enabled            BOOLEAN NOT NULL,
    attributes         TEXT COLLATE "C" NOT NULL,
    password_hash      TEXT COLLATE "C",
    password_set_at    BIGINT,
    tokens_valid_after BIGINT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    version            BIGINT NOT NULL,
    email              TEXT COLLATE "C",
    phone_number       TEXT COLLATE "C",
    name               TEXT COLLATE "C",
    given_name         TEXT COLLATE "C",
    family_name        TEXT COLLATE "C",
    preferred_username TEXT COLLATE "C",
    PRIMARY KEY (pool_id, username_key)
);
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
    pool_id      TEXT COLLATE "C" NOT NULL,
    key          TEXT COLLATE "C" NOT NULL,
    username_key TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool_id, key),
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX user_keys_user ON user_keys(pool_id, username_key);

CREATE TABLE groups (
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    name        TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    role_arn    TEXT COLLATE "C",
    precedence  BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE group_members (
    pool_id      TEXT COLLATE "C" NOT NULL,
    group_name   TEXT COLLATE "C" NOT NULL,
    username_key TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pool_id, group_name, username_key),
    FOREIGN KEY (pool_id, group_name) REFERENCES groups(pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX group_members_user ON group_members(pool_id, username_key, group_name);

CREATE TABLE meta (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);
