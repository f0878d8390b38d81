-- 0018: passkeys (WebAuthn credentials). `passkey` is webauthn-rs's credential record (public
-- key, algorithm, flags) as JSON; `sign_count` the authenticator's last signature counter,
-- which an assertion must raise (a clone replaying an old counter is refused).
CREATE TABLE webauthn_credentials (
    pool_id          TEXT NOT NULL,
    credential_id    TEXT NOT NULL,
    username_key     TEXT NOT NULL,
    friendly_name    TEXT,
    relying_party_id TEXT NOT NULL,
    attachment       TEXT,
    transports       TEXT NOT NULL,
    passkey          TEXT NOT NULL,
    sign_count       INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    last_used_at     INTEGER,
    PRIMARY KEY (pool_id, credential_id),
    FOREIGN KEY (pool_id, username_key) REFERENCES users(pool_id, username_key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX webauthn_credentials_user ON webauthn_credentials(pool_id, username_key, created_at);
