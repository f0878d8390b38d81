-- 0020: a version on pools and app clients, bumped by every update, as users have had since
-- 0001: what a node's read cache compares with the stored row (the version probe).
ALTER TABLE user_pools ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE app_clients ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
