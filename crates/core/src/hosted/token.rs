//! `/oauth2/token` and `/oauth2/revoke`: the `authorization_code` (with PKCE),
//! `refresh_token` and `client_credentials` grants, and refresh-token revocation. The tokens
//! are the ones the API issues (same keys, same refresh rows, same revocation).

use super::authorize::{pkce_shaped, s256};
use super::code::{self, CodeAudience};
use super::{ClientCredentials, OAuthError};
use crate::tokens::{SessionInfo, TokenGrant};
use crate::views::OAuthView;
use crate::CoreError;
use cognate_model::{AppClient, AuthFlow, ClientId, OAuthFlow, UserStatus};
use subtle::ConstantTimeEq;

/// A token request's form, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenRequest {
    /// `grant_type`.
    pub grant_type: Option<String>,
    /// `code`.
    pub code: Option<String>,
    /// `redirect_uri`.
    pub redirect_uri: Option<String>,
    /// `code_verifier`.
    pub code_verifier: Option<String>,
    /// `refresh_token`.
    pub refresh_token: Option<String>,
    /// `scope`.
    pub scope: Option<String>,
    /// How the client authenticated.
    pub client: ClientCredentials,
}

/// A successful token answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenResponse {
    /// `access_token`.
    pub access_token: String,
    /// `id_token` (with the `openid` scope).
    pub id_token: Option<String>,
    /// `refresh_token` (the code grant; a refresh only when the client rotates them).
    pub refresh_token: Option<String>,
    /// `expires_in` (seconds).
    pub expires_in: i64,
    /// `scope`, for the client-credentials grant.
    pub scope: Option<String>,
}

/// The client must be allowed OAuth flows at all.
fn oauth_allowed(client: &AppClient) -> Result<(), OAuthError> {
    if !client.settings.allowed_oauth_flows_user_pool_client {
        return Err(OAuthError::UnauthorizedClient("The client is not allowed to use OAuth flows.".into()));
    }
    Ok(())
}

fn required<'a>(v: &'a Option<String>, name: &str) -> Result<&'a str, OAuthError> {
    v.as_deref().filter(|x| !x.is_empty()).ok_or_else(|| OAuthError::InvalidRequest(format!("{name} is required.")))
}

impl OAuthView<'_> {
    /// The token endpoint.
    pub async fn token(&self, req: &TokenRequest) -> Result<TokenResponse, OAuthError> {
        let grant_type = required(&req.grant_type, "grant_type")?;
        if !matches!(grant_type, "authorization_code" | "refresh_token" | "client_credentials") {
            return Err(OAuthError::UnsupportedGrantType(format!("The grant type {grant_type} is not supported.")));
        }
        if grant_type == "authorization_code" {
            return self.exchange_code(req).await;
        }
        let (client, pool) = self.authenticate_client(&req.client).await?;
        oauth_allowed(&client)?;
        let flows = &client.settings.allowed_oauth_flows;
        match grant_type {
            "refresh_token" => {
                if !AuthFlow::RefreshToken.allowed_by(&client.settings.explicit_auth_flows) {
                    return Err(OAuthError::UnauthorizedClient(
                        "Refresh tokens are not enabled for this client.".into(),
                    ));
                }
                let token = required(&req.refresh_token, "refresh_token")?;
                let t = self.svc.sign_in(self.req).refresh(&pool, &client, token, |_| Ok(())).await.map_err(
                    |e| match e {
                        CoreError::Internal(_) => OAuthError::Server(e),
                        other => OAuthError::InvalidGrant(other.to_string()),
                    },
                )?;
                Ok(TokenResponse {
                    access_token: t.access_token,
                    id_token: t.id_token,
                    refresh_token: t.refresh_token,
                    expires_in: t.expires_in,
                    scope: None,
                })
            }
            _ => {
                if !flows.contains(&OAuthFlow::ClientCredentials) {
                    return Err(OAuthError::UnauthorizedClient(
                        "The client is not allowed the client_credentials flow.".into(),
                    ));
                }
                let allowed = &client.settings.allowed_oauth_scopes;
                let custom = |sc: &str| sc.contains('/');
                let asked: Vec<&str> =
                    req.scope.as_deref().unwrap_or("").split(' ').filter(|x| !x.is_empty()).collect();
                let mut scopes: Vec<String> = vec![];
                if asked.is_empty() {
                    scopes.extend(allowed.iter().filter(|sc| custom(sc)).cloned());
                }
                for sc in asked {
                    if !custom(sc) || !allowed.iter().any(|a| a == sc) {
                        return Err(OAuthError::InvalidScope(format!(
                            "The scope {sc} is not allowed for this client."
                        )));
                    }
                    if !scopes.iter().any(|x| x == sc) {
                        scopes.push(sc.to_string());
                    }
                }
                if scopes.is_empty() {
                    return Err(OAuthError::InvalidScope("The client has no custom scope to grant.".into()));
                }
                let (access_token, expires_in) = self.issue_client_token(&pool, &client, &scopes, self.req).await?;
                Ok(TokenResponse { access_token, id_token: None, refresh_token: None, expires_in, scope: None })
            }
        }
    }

    /// The `authorization_code` grant. The code is its own grant (sealed, see `code.rs`), and
    /// its refresh token is derived from it, so the code's redemption is one insert: the
    /// first exchange on any node stores the refresh token; a replay finds it taken and
    /// revokes what the first one issued (RFC 6749 §4.1.2). A request refused by the checks
    /// below leaves the code unused (the PKCE verifier proves the caller, not the code alone).
    async fn exchange_code(&self, req: &TokenRequest) -> Result<TokenResponse, OAuthError> {
        let (id, secret) = req.client.presented()?;
        // The code names its user: opened first (no I/O), it lets the client, its pool and the
        // user with their groups come in one read.
        let opened = match (req.code.as_deref(), req.redirect_uri.as_deref()) {
            (Some(code), Some(redirect_uri)) if id.len() <= 128 => {
                code::open(&self.master, &CodeAudience { client: id, redirect_uri }, code)
            }
            _ => None,
        };
        let (found, user) = match &opened {
            Some(g) => match self.store.oauth_client_and_user(&ClientId::new(id), &g.username_key).await? {
                Some((found, user)) => (Some(found), user),
                None => (None, None),
            },
            None => (self.oauth_client(id).await?, None),
        };
        let (client, pool) = self.admit(found, secret)?;
        oauth_allowed(&client)?;
        if !client.settings.allowed_oauth_flows.contains(&OAuthFlow::Code) {
            return Err(OAuthError::UnauthorizedClient("The client is not allowed the code flow.".into()));
        }
        let code = required(&req.code, "code")?;
        required(&req.redirect_uri, "redirect_uri")?;
        let grant = opened.filter(|g| g.pool_id == pool.id).ok_or_else(|| {
            OAuthError::InvalidGrant(
                "The authorization code is invalid or expired, or was issued to another client or redirect_uri.".into(),
            )
        })?;
        match (&grant.code_challenge, req.code_verifier.as_deref()) {
            (Some(challenge), Some(v)) => {
                let ok = pkce_shaped(v) && bool::from(s256(v).as_bytes().ct_eq(challenge.as_bytes()));
                if !ok {
                    return Err(OAuthError::InvalidGrant(
                        "The code_verifier does not match the code_challenge.".into(),
                    ));
                }
            }
            (Some(_), None) => return Err(OAuthError::InvalidGrant("code_verifier is required.".into())),
            // A verifier for a code issued without a challenge is a downgrade attempt.
            (None, Some(_)) => {
                return Err(OAuthError::InvalidGrant("The authorization request had no code_challenge.".into()))
            }
            (None, None) => {}
        }
        let gone = || OAuthError::InvalidGrant("The user can no longer sign in.".into());
        let (user, groups) = user.ok_or_else(gone)?;
        if !user.enabled || user.status == UserStatus::Unconfirmed {
            return Err(gone());
        }
        let session = SessionInfo { origin_jti: grant.origin_jti.clone(), auth_time: grant.auth_time };
        let tg = TokenGrant {
            scopes: grant.scopes.clone(),
            nonce: grant.nonce.clone(),
            sso: grant.sso.clone(),
            ..Default::default()
        }
        .issued_from(crate::triggers::claims::TokenSource::HostedAuth, self.req);
        let refresh = code::refresh_token_of(&self.master, code);
        match self.issue_tokens_with(&pool, &client, (&user, &groups), &session, Some(refresh), &tg).await {
            Ok(t) => Ok(TokenResponse {
                access_token: t.access_token,
                id_token: t.id_token,
                refresh_token: t.refresh_token,
                expires_in: t.expires_in,
                scope: None,
            }),
            Err(CoreError::RefreshTokenReuse(_)) => {
                // A code used twice may have leaked: what it gave the first time stops working.
                tracing::warn!(client = %client.client_id, "authorization code replayed; its tokens are revoked");
                self.revoke_session(&pool.id, &grant.origin_jti).await?;
                Err(OAuthError::InvalidGrant("The authorization code was already used.".into()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// `/oauth2/revoke`: revokes a refresh token and what it issued. Unknown tokens are
    /// accepted (RFC 7009 §2.2); a token of another client is `invalid_grant`... answered as
    /// Cognito does, `unauthorized_client`.
    pub async fn revoke(&self, token: Option<&str>, client: &ClientCredentials) -> Result<(), OAuthError> {
        let token =
            token.filter(|t| !t.is_empty()).ok_or_else(|| OAuthError::InvalidRequest("token is required.".into()))?;
        let (client, _pool) = self.authenticate_client(client).await?;
        if !client.settings.enable_token_revocation {
            return Err(OAuthError::UnsupportedTokenType("Token revocation is not enabled for this client.".into()));
        }
        // Access and ID tokens are JWTs; only refresh tokens are revoked here (Cognito).
        if token.split('.').count() == 3 {
            return Err(OAuthError::UnsupportedTokenType("Only refresh tokens can be revoked.".into()));
        }
        let Some(row) = self.store.get_refresh_token(&crate::tokens::refresh_hash(token)).await? else {
            return Ok(());
        };
        if row.client_id != client.client_id {
            return Err(OAuthError::UnauthorizedClient("The token was not issued to this client.".into()));
        }
        Ok(self.revoke_session(&row.pool_id, &row.origin_jti).await?)
    }
}
