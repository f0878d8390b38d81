//! Session management (Cognito's opt-in session tracking): SetUserPoolSessionConfiguration and
//! its Get, the per-client SSO pair, ListUserSessions, RevokeUserSession and their Admin twins.
//!
//! While a pool tracks sessions, Cognate records two kinds:
//! - a **token session** for each sign-in that issued a refresh token: keyed by the
//!   `origin_jti` every token of that sign-in carries, started by the sign-in, touched by each
//!   refresh, ended by its revocation (RevokeToken, RevokeUserSession, a global sign-out) or when
//!   its refresh token expires. A user holds at most `MaxPerUser` (default 20): the next sign-in
//!   past it evicts the least recently used.
//! - an **SSO session** for each hosted-UI browser session (the cookie), keyed by its id,
//!   recorded when it answers an authorization request. A token session that came through it
//!   names it as `OriginSessionId`.
//!
//! A session's id is derived from its key (`tkn`/`sso` and 25 hex digits of a SHA-256), so a
//! refresh finds its record without a lookup. Revoking a session revokes its key the way
//! RevokeToken does: every node refuses its tokens (or its cookie) within the revocation poll.
//! With tracking off nothing is recorded and the list and revoke operations answer
//! `OperationNotEnabledException`.

use crate::hosted::HostedSession;
use crate::tokens::TokenGrant;
use crate::triggers::claims::TokenSource;
use crate::views::{AdminView, UserView};
use crate::{paging, Cognate, CoreError, CoreResult, RequestContext};
use cognate_model::{now_millis, AppClient, ClientId, SessionTracking, UserPool, UserPoolId};
use cognate_store::StoreError;
pub use cognate_store::{SessionKind, UserSession};
use sha2::{Digest, Sha256};

/// `SSOSession.MaxValidityMinutes` of a client never configured.
pub const DEFAULT_SSO_MINUTES: i64 = 60;
/// Its largest value (90 days).
const MAX_SSO_MINUTES: i64 = 129_600;
/// Sessions per page (Cognito's `SessionsListType` holds at most 125).
const PAGE: usize = 125;

/// The id of the session with this key.
pub(crate) fn session_id(kind: SessionKind, key: &str) -> String {
    let prefix = match kind {
        SessionKind::Token => "tkn",
        SessionKind::Sso => "sso",
    };
    let digest = Sha256::digest(format!("{prefix}:{key}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{}", &hex[..25])
}

/// The pool's tracking, when it is on.
pub(crate) fn tracking(pool: &UserPool) -> Option<SessionTracking> {
    pool.settings.session_tracking.filter(|t| t.enabled)
}

/// How long (minutes) after a fresh authentication the client reuses a hosted session.
pub fn sso_minutes(client: &AppClient) -> i64 {
    client.settings.sso_max_validity_minutes.unwrap_or(DEFAULT_SSO_MINUTES)
}

/// A session as the list operations show it.
#[derive(Debug, Clone)]
pub struct ListedSession {
    /// The record.
    pub session: UserSession,
    /// It is the session of the access token that asked (ListUserSessions).
    pub current: bool,
}

/// `RevokeAssociatedSessions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Associated {
    /// Only the session named.
    #[default]
    None,
    /// Also the SSO session a token session came through, or the token sessions that came
    /// through an SSO session.
    Linked,
}

fn not_enabled() -> CoreError {
    CoreError::OperationNotEnabled("User session tracking is not enabled for this user pool.".into())
}

fn ip(req: &RequestContext) -> Option<String> {
    req.source_ip.map(|i| i.to_string())
}

impl Cognate {
    /// Tokens with a refresh token were issued. A sign-in starts a token session, first
    /// evicting the user's least recently used ones beyond `MaxPerUser`; a refresh notes its use.
    pub(crate) async fn track_tokens(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username_key: &str,
        origin_jti: &str,
        expires_at: i64,
        grant: &TokenGrant,
    ) -> CoreResult<()> {
        let Some(t) = tracking(pool) else { return Ok(()) };
        let now = now_millis();
        let id = session_id(SessionKind::Token, origin_jti);
        let addr = ip(&grant.request);
        if grant.source == TokenSource::RefreshTokens {
            self.store.touch_session(&pool.id, &id, now, addr.as_deref(), expires_at).await?;
            return Ok(());
        }
        let others: Vec<UserSession> = self
            .store
            .list_sessions(&pool.id, username_key, now)
            .await?
            .into_iter()
            .filter(|s| s.kind == SessionKind::Token && s.session_id != id)
            .collect();
        let excess = (others.len() + 1).saturating_sub(t.max_per_user as usize);
        // Most recently used first: the least recently used are at the end.
        for old in others.iter().rev().take(excess) {
            self.end_session(&pool.id, old).await?;
        }
        let session = UserSession {
            pool_id: pool.id.clone(),
            session_id: id,
            username_key: username_key.to_string(),
            kind: SessionKind::Token,
            session_key: origin_jti.to_string(),
            origin_session: grant.sso.as_deref().map(|sid| session_id(SessionKind::Sso, sid)),
            client_id: Some(client.client_id.to_string()),
            device_type: grant.request.user_agent.clone(),
            ip: addr,
            created_at: now,
            last_active_at: now,
            expires_at,
        };
        self.store.put_session(&session).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::UserNotFound,
            e => e.into(),
        })
    }

    /// A hosted session answered an authorization request of `client` (a sign-in or a reuse).
    pub(crate) async fn track_sso(
        &self,
        pool: &UserPool,
        client: &AppClient,
        s: &HostedSession,
        req: &RequestContext,
    ) -> CoreResult<()> {
        if tracking(pool).is_none() {
            return Ok(());
        }
        let now = now_millis();
        let session = UserSession {
            pool_id: pool.id.clone(),
            session_id: session_id(SessionKind::Sso, &s.sid),
            username_key: s.username_key.clone(),
            kind: SessionKind::Sso,
            session_key: s.sid.clone(),
            origin_session: None,
            client_id: Some(client.client_id.to_string()),
            device_type: req.user_agent.clone(),
            ip: ip(req),
            created_at: now,
            last_active_at: now,
            expires_at: s.exp,
        };
        match self.store.put_session(&session).await {
            Ok(()) | Err(StoreError::NotFound) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Ends a session: its key revoked on every node (its tokens, or its cookie, refused), its
    /// record deleted.
    async fn end_session(&self, pool: &UserPoolId, s: &UserSession) -> CoreResult<()> {
        self.revoke_session_until(pool, &s.session_key, s.expires_at).await
    }

    /// A user's live sessions, one page (`token`: where the last page ended).
    async fn sessions_page(
        &self,
        pool: &UserPool,
        username_key: &str,
        current: Option<&str>,
        token: Option<&str>,
    ) -> CoreResult<(Vec<ListedSession>, Option<String>)> {
        tracking(pool).ok_or_else(not_enabled)?;
        let after = paging::after(token)?;
        let all = self.store.list_sessions(&pool.id, username_key, now_millis()).await?;
        let start = match &after {
            Some(a) => all.iter().position(|s| &s.session_id == a).map(|i| i + 1).unwrap_or(all.len()),
            None => 0,
        };
        let page: Vec<ListedSession> = all
            .into_iter()
            .skip(start)
            .take(PAGE + 1)
            .map(|s| {
                let current = s.kind == SessionKind::Token && Some(s.session_key.as_str()) == current;
                ListedSession { session: s, current }
            })
            .collect();
        Ok(paging::split(page, PAGE, |x| x.session.session_id.as_str()))
    }

    /// Revokes one of a user's sessions (and, `Linked`, the sessions linked to it). `current`:
    /// the caller's own session, which this may not revoke.
    async fn revoke_user_session(
        &self,
        pool: &UserPool,
        username_key: &str,
        session_id: &str,
        associated: Associated,
        current: Option<&str>,
    ) -> CoreResult<()> {
        tracking(pool).ok_or_else(not_enabled)?;
        let all = self.store.list_sessions(&pool.id, username_key, now_millis()).await?;
        let target = all
            .iter()
            .find(|s| s.session_id == session_id)
            .ok_or_else(|| CoreError::ResourceNotFound(format!("Session {session_id} does not exist.")))?;
        let own = |s: &UserSession| s.kind == SessionKind::Token && Some(s.session_key.as_str()) == current;
        if own(target) {
            return Err(CoreError::InvalidParameter(
                "You can't revoke the session that the access token belongs to; use RevokeToken or GlobalSignOut."
                    .into(),
            ));
        }
        let mut ending = vec![target];
        if associated == Associated::Linked {
            ending.extend(all.iter().filter(|s| match target.kind {
                SessionKind::Token => target.origin_session.as_deref() == Some(s.session_id.as_str()),
                SessionKind::Sso => s.origin_session.as_deref() == Some(target.session_id.as_str()) && !own(s),
            }));
        }
        for s in ending {
            self.end_session(&pool.id, s).await?;
        }
        Ok(())
    }
}

impl UserView<'_> {
    /// ListUserSessions: the caller's live sessions; `current` marks the access token's own.
    pub async fn list_sessions(&self, token: Option<&str>) -> CoreResult<(Vec<ListedSession>, Option<String>)> {
        let (pool, user) = self.pool_and_user().await?;
        self.svc.sessions_page(&pool, &user, Some(self.ctx.origin_jti()), token).await
    }

    /// RevokeUserSession: one of the caller's other sessions.
    pub async fn revoke_session(&self, session_id: &str, associated: Associated) -> CoreResult<()> {
        let (pool, user) = self.pool_and_user().await?;
        self.svc.revoke_user_session(&pool, &user, session_id, associated, Some(self.ctx.origin_jti())).await
    }

    async fn pool_and_user(&self) -> CoreResult<(UserPool, String)> {
        let pool = self.svc.pool(self.ctx.pool_id()).await?;
        let user = self.store.get_user_by_sub(&pool.id, self.ctx.sub()).await?.ok_or(CoreError::UserNotFound)?;
        Ok((pool, user.username_key))
    }
}

impl AdminView<'_> {
    /// AdminListUserSessions.
    pub async fn list_sessions(
        &self,
        pool: &UserPoolId,
        username: &str,
        token: Option<&str>,
    ) -> CoreResult<(Vec<ListedSession>, Option<String>)> {
        let pool = self.pool(pool).await?;
        let user = self.resolve_user(&pool, username).await?;
        self.svc.sessions_page(&pool, &user.username_key, None, token).await
    }

    /// AdminRevokeUserSession.
    pub async fn revoke_session(
        &self,
        pool: &UserPoolId,
        username: &str,
        session_id: &str,
        associated: Associated,
    ) -> CoreResult<()> {
        let pool = self.pool(pool).await?;
        let user = self.resolve_user(&pool, username).await?;
        self.svc.revoke_user_session(&pool, &user.username_key, session_id, associated, None).await
    }

    /// GetUserPoolSessionConfiguration: Cognito's defaults (off, 20) until set.
    pub async fn session_configuration(&self, pool: &UserPoolId) -> CoreResult<SessionTracking> {
        Ok(self.pool(pool).await?.settings.session_tracking.unwrap_or_default())
    }

    /// SetUserPoolSessionConfiguration: replaces both settings. Errors: InvalidParameter
    /// (MaxPerUser outside 1–100), FeatureUnavailableInTier (a Lite pool).
    pub async fn set_session_configuration(
        &self,
        pool: &UserPoolId,
        t: SessionTracking,
    ) -> CoreResult<SessionTracking> {
        if !(1..=100).contains(&t.max_per_user) {
            return Err(CoreError::InvalidParameter("MaxPerUser must be between 1 and 100.".into()));
        }
        let mut p = self.pool(pool).await?;
        check_tier(&p)?;
        p.settings.session_tracking = Some(t);
        p.updated_at = now_millis();
        self.store.update_pool(&p).await?;
        Ok(t)
    }

    /// GetUserPoolClientSessionConfiguration: `MaxValidityMinutes` (60 until set).
    pub async fn client_session_configuration(&self, pool: &UserPoolId, id: &ClientId) -> CoreResult<i64> {
        Ok(sso_minutes(&self.client_in_pool(pool, id).await?))
    }

    /// SetUserPoolClientSessionConfiguration. Errors: InvalidParameter (outside 0–129600),
    /// OperationNotEnabled (the pool does not track sessions), FeatureUnavailableInTier.
    pub async fn set_client_session_configuration(
        &self,
        pool: &UserPoolId,
        id: &ClientId,
        minutes: i64,
    ) -> CoreResult<i64> {
        if !(0..=MAX_SSO_MINUTES).contains(&minutes) {
            return Err(CoreError::InvalidParameter(format!(
                "MaxValidityMinutes must be between 0 and {MAX_SSO_MINUTES}."
            )));
        }
        let p = self.pool(pool).await?;
        check_tier(&p)?;
        tracking(&p).ok_or_else(not_enabled)?;
        let mut client = self.client_in_pool(pool, id).await?;
        client.settings.sso_max_validity_minutes = Some(minutes);
        client.updated_at = now_millis();
        self.store.update_client(&client).await?;
        Ok(minutes)
    }
}

/// Session management needs the Essentials or Plus plan, as in Cognito.
fn check_tier(pool: &UserPool) -> CoreResult<()> {
    match pool.settings.tier() {
        "LITE" => Err(CoreError::FeatureUnavailableInTier(
            "Session management is not available in the Lite feature plan; use Essentials or Plus.".into(),
        )),
        _ => Ok(()),
    }
}
