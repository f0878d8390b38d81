-- 0018: passkeys (WebAuthn credentials). `passkey` is webauthn-rs's credential record (public
-- key, algorithm, flags) as JSON; `sign_count` the authenticator's last signature counter,
-- which an assertion must raise (a clone replaying an old counter is refused).
CREATE TABLE webauthn_credentials (
    pool_id          TEXT COLLATE "C" NOT NULL,
    credential_id    TEXT COLLATE "C" NOT NULL,
    username_key     TEXT COLLATE "C" NOT NULL,
    friendly_name    TEXT,
    relying_party_id TEXT COLLATE "C" NOT NULL,
    attachment       TEXT,
    transports       TEXT COLLATE "C" NOT NULL,
    passkey          TEXT COLLATE "C" NOT NULL,
    sign_count       BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    last_used_at     BIGINT,
    PRIMARY KEY (pool_id, credential_id),
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
);
CREATE INDEX webauthn_credentials_user ON webauthn_credentials(pool_id, username_key, created_at);
