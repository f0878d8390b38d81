-- 0003: per-user MFA settings (a JSON document; the MFA issue adds factors to it).
ALTER TABLE users ADD COLUMN mfa TEXT COLLATE "C" NOT NULL DEFAULT '{}';
