//! The sign-in state a user accumulates beyond their record: tracked sessions (session
//! management) and passkeys.

use crate::StoreResult;
use async_trait::async_trait;
use cognate_model::UserPoolId;

/// A tracked session's kind (`SessionType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A sign-in's refresh tokens (`TOKEN`).
    Token,
    /// A hosted-UI browser session (`SSO`).
    Sso,
}

impl SessionKind {
    /// The wire and column value.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Token => "TOKEN",
            SessionKind::Sso => "SSO",
        }
    }
}

/// A tracked session (while the pool tracks sessions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSession {
    /// Pool.
    pub pool_id: UserPoolId,
    /// `tkn…` or `sso…` (28 characters).
    pub session_id: String,
    /// Its user.
    pub username_key: String,
    /// Token or SSO.
    pub kind: SessionKind,
    /// What revocation names: the `origin_jti` of a token session, the hosted session's id.
    pub session_key: String,
    /// The SSO session a token session came through.
    pub origin_session: Option<String>,
    /// The app client.
    pub client_id: Option<String>,
    /// The user agent that started or last used it.
    pub device_type: Option<String>,
    /// The last address it was used from.
    pub ip: Option<String>,
    /// Start (ms).
    pub created_at: i64,
    /// Last use (ms).
    pub last_active_at: i64,
    /// When it ends unless used (ms).
    pub expires_at: i64,
}

/// Tracked sessions.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Records a session, or its latest use when it exists: `last_active_at`, `ip`,
    /// `device_type` and the later `expires_at` change; `created_at` stays. `NotFound` when
    /// the user is gone.
    async fn put_session(&self, session: &UserSession) -> StoreResult<()>;
    /// Notes a use of a session that exists (a refresh); false when it is not recorded.
    async fn touch_session(
        &self,
        pool: &UserPoolId,
        session_id: &str,
        now: i64,
        ip: Option<&str>,
        expires_at: i64,
    ) -> StoreResult<bool>;
    /// A user's sessions that have not expired at `now`, most recently used first.
    async fn list_sessions(&self, pool: &UserPoolId, username_key: &str, now: i64) -> StoreResult<Vec<UserSession>>;
    /// Deletes sessions by id; returns how many were there.
    async fn delete_sessions(&self, pool: &UserPoolId, session_ids: &[String]) -> StoreResult<u64>;
}

/// A registered passkey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebAuthnCredential {
    /// Pool.
    pub pool_id: UserPoolId,
    /// The credential id, base64url.
    pub credential_id: String,
    /// Its user.
    pub username_key: String,
    /// The authenticator's name for it, when known.
    pub friendly_name: Option<String>,
    /// The relying party it is bound to.
    pub relying_party_id: String,
    /// `platform` or `cross-platform`, when the browser said.
    pub attachment: Option<String>,
    /// `AuthenticatorTransports`.
    pub transports: Vec<String>,
    /// The verifier's record of the credential (public key and flags), JSON.
    pub passkey: String,
    /// The last signature counter seen.
    pub sign_count: i64,
    /// Registration time (ms).
    pub created_at: i64,
    /// Last sign-in with it (ms).
    pub last_used_at: Option<i64>,
}

/// Passkeys.
#[async_trait]
pub trait WebAuthnStore: Send + Sync {
    /// Registers a credential; `Conflict("credential")` when the pool has its id already,
    /// `NotFound` when the user is gone.
    async fn add_webauthn_credential(&self, c: &WebAuthnCredential) -> StoreResult<()>;
    /// A user's credentials, oldest first.
    async fn list_webauthn_credentials(
        &self,
        pool: &UserPoolId,
        username_key: &str,
    ) -> StoreResult<Vec<WebAuthnCredential>>;
    /// One credential by id.
    async fn get_webauthn_credential(
        &self,
        pool: &UserPoolId,
        credential_id: &str,
    ) -> StoreResult<Option<WebAuthnCredential>>;
    /// Records a sign-in with a credential: its new record and counter, only if the counter
    /// moved past the stored one (or both are 0, an authenticator without a counter). Returns
    /// false when it did not: a stale counter, a cloned authenticator.
    async fn use_webauthn_credential(
        &self,
        pool: &UserPoolId,
        credential_id: &str,
        passkey: &str,
        sign_count: i64,
        now: i64,
    ) -> StoreResult<bool>;
    /// Deletes one of a user's credentials; `NotFound` when the user has no such credential.
    async fn delete_webauthn_credential(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        credential_id: &str,
    ) -> StoreResult<()>;
}
