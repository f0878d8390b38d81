-- 0012: single-use markers that belong to no user (a SAML assertion ID is accepted once per
-- provider, on every node); purged after they expire.
CREATE TABLE once_markers (
    marker      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX once_markers_expiry ON once_markers (expires_at);
