//! The hosted session: what lets a second authorization skip the login page. It is a value
//! sealed with the master key (AES-GCM), so only Cognate can have made it, kept in an HttpOnly
//! cookie for an hour. It names the pool, the user and when they signed in, plus a session id
//! that `/logout` revokes on every node (a copied cookie is dead after logout). A password
//! change, a disabled or deleted user also end it. GlobalSignOut does not: Cognito documents
//! that it "doesn't clear the managed login session cookie".

use super::SESSION_TTL_MS;
use crate::views::OAuthView;
use crate::CoreResult;
use cognate_model::{now_millis, UserPoolId, UserStatus};
use serde::{Deserialize, Serialize};

const AAD: &str = "cognate:hosted-session:v1";

/// A signed-in browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostedSession {
    /// The pool.
    #[serde(rename = "p")]
    pub pool_id: String,
    /// The user's name key.
    #[serde(rename = "u")]
    pub username_key: String,
    /// When the user authenticated (seconds).
    #[serde(rename = "t")]
    pub auth_time: i64,
    /// Expiry (ms).
    #[serde(rename = "e")]
    pub exp: i64,
    /// The session id (revoked by logout).
    #[serde(rename = "s")]
    pub sid: String,
    /// The SAML identity it was signed in with (single logout names it to the IdP).
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub saml: Option<crate::federation::saml::SamlSessionInfo>,
}

impl OAuthView<'_> {
    /// A new session for a user who just signed in on the pages; returns it and its sealed form.
    pub fn start_session(&self, pool: &UserPoolId, username_key: &str, auth_time: i64) -> (HostedSession, String) {
        self.start_federated_session(pool, username_key, auth_time, None)
    }

    /// A new session for a user a federated provider signed in (`saml`: the SAML identity).
    pub fn start_federated_session(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        auth_time: i64,
        saml: Option<crate::federation::saml::SamlSessionInfo>,
    ) -> (HostedSession, String) {
        let s = HostedSession {
            pool_id: pool.to_string(),
            username_key: username_key.to_string(),
            auth_time,
            exp: now_millis() + SESSION_TTL_MS,
            sid: uuid::Uuid::new_v4().to_string(),
            saml,
        };
        let sealed = self.seal_session(&s);
        (s, sealed)
    }

    /// The session renewed for another hour (Cognito resets the cookie when it is used).
    pub fn renew_session(&self, s: &HostedSession) -> String {
        self.seal_session(&HostedSession { exp: now_millis() + SESSION_TTL_MS, ..s.clone() })
    }

    pub(crate) fn seal_session(&self, s: &HostedSession) -> String {
        let json = serde_json::to_vec(s).unwrap_or_default();
        self.master.seal_url(&json, AAD)
    }

    /// Opens a session cookie of `pool`. `None` when it is not one Cognate sealed, expired,
    /// logged out, or its user can no longer sign in (gone, disabled, not confirmed, password
    /// changed since).
    pub async fn session(&self, sealed: &str, pool: &UserPoolId) -> CoreResult<Option<HostedSession>> {
        let Ok(bytes) = self.master.open_url(sealed, AAD) else { return Ok(None) };
        let Ok(s) = serde_json::from_slice::<HostedSession>(&bytes) else { return Ok(None) };
        if s.pool_id != pool.as_str() || s.exp <= now_millis() || self.revocations.contains(&s.sid) {
            return Ok(None);
        }
        let Some(user) = self.store.get_user(pool, &s.username_key).await? else { return Ok(None) };
        let usable = user.enabled && matches!(user.status, UserStatus::Confirmed | UserStatus::ExternalProvider);
        let password_changed = user.password_set_at.is_some_and(|t| t > s.auth_time * 1000 + 999);
        Ok((usable && !password_changed).then_some(s))
    }

    /// `/logout`: the session's id is revoked here and, through the store, on every node.
    /// Returns the session that ended (its SAML identity may need a sign-out at the IdP).
    pub async fn end_session(&self, sealed: &str) -> CoreResult<Option<HostedSession>> {
        let Ok(bytes) = self.master.open_url(sealed, AAD) else { return Ok(None) };
        let Ok(s) = serde_json::from_slice::<HostedSession>(&bytes) else { return Ok(None) };
        if s.exp <= now_millis() {
            return Ok(None);
        }
        self.revoke_session_until(&UserPoolId::new(&s.pool_id), &s.sid, s.exp).await?;
        Ok(Some(s))
    }
}
