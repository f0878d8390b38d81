//! `/oauth2/authorize`: the checks of an authorization request, in the order that decides
//! where an error may go. Until the client and its redirect URI are known to be good, an
//! error shows the error page and never redirects (RFC 6749 §4.1.2.1; Cognito's
//! `/error?error=redirect_mismatch`); after that it goes back to the client as
//! `?error=…&error_description=…&state=…`. The answer to a good request is a code
//! (`?code=…&state=…`) or, for the implicit flow, tokens in the fragment.

use super::code::{self, CodeAudience, CodeGrant};
use super::{with_params, HostedSession, CODE_TTL_MS};
use crate::sessions;
use crate::tokens::{SessionInfo, TokenGrant};
use crate::views::OAuthView;
use crate::{CoreError, CoreResult};
use cognate_model::{now_millis, AppClient, ClientId, OAuthFlow, UserPool, UserPoolId};
use sha2::{Digest, Sha256};

/// The parameters of an authorization request, as sent (query of `/oauth2/authorize`, and of
/// the pages that carry it on: `/login`, `/signup`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizeParams {
    /// `response_type`.
    pub response_type: Option<String>,
    /// `client_id`.
    pub client_id: Option<String>,
    /// `redirect_uri`.
    pub redirect_uri: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `scope` (space-separated).
    pub scope: Option<String>,
    /// `identity_provider`.
    pub identity_provider: Option<String>,
    /// `idp_identifier`.
    pub idp_identifier: Option<String>,
    /// `code_challenge`.
    pub code_challenge: Option<String>,
    /// `code_challenge_method`.
    pub code_challenge_method: Option<String>,
    /// `nonce`.
    pub nonce: Option<String>,
    /// `prompt` (space-separated).
    pub prompt: Option<String>,
    /// `max_age` (seconds).
    pub max_age: Option<String>,
    /// `login_hint`.
    pub login_hint: Option<String>,
    /// `lang` (or `ui_locales`).
    pub lang: Option<String>,
    /// `request` (an OIDC request object: not supported).
    pub request: Option<String>,
    /// `request_uri` (not supported).
    pub request_uri: Option<String>,
}

/// `response_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    /// The authorization code flow.
    Code,
    /// The implicit flow (tokens in the fragment).
    Token,
}

/// `prompt`: what to do with an existing session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prompt {
    /// Use the session if there is one, else show the login page.
    #[default]
    Default,
    /// Always show the login page.
    Login,
    /// Never show a page: the session, or `login_required`.
    None,
}

/// A checked authorization request.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    /// The pool.
    pub pool_id: UserPoolId,
    /// The client.
    pub client_id: ClientId,
    /// The client's name (for the pages).
    pub client_name: String,
    /// The redirect URI, one of the client's callback URLs.
    pub redirect_uri: String,
    /// The flow.
    pub response_type: ResponseType,
    /// The granted scopes, in the order requested (the client's allowed scopes when none was).
    pub scopes: Vec<String>,
    /// `state`, echoed.
    pub state: Option<String>,
    /// `nonce`, for the ID token.
    pub nonce: Option<String>,
    /// The PKCE S256 challenge.
    pub code_challenge: Option<String>,
    /// `prompt`.
    pub prompt: Prompt,
    /// `max_age` (seconds): an older session signs in again.
    pub max_age: Option<i64>,
    /// `login_hint`, to fill the user name.
    pub login_hint: Option<String>,
    /// The identity provider asked for (`COGNITO` or a federated provider's name).
    pub identity_provider: Option<String>,
    /// The client, as read for the checks (the pages and the implicit grant use it again).
    pub(crate) client: AppClient,
    /// Its pool.
    pub(crate) pool: UserPool,
}

/// When a hosted session's cookie expires after answering `req` (ms).
fn cookie_expiry(req: &AuthorizeRequest, s: &HostedSession) -> i64 {
    let exp = now_millis() + super::SESSION_TTL_MS;
    if sessions::tracking(&req.pool).is_none() {
        return exp;
    }
    exp.max(s.auth_time * 1000 + sessions::sso_minutes(&req.client) * 60_000)
}

/// Why an authorization request was refused, and where the answer goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeRefusal {
    /// The client or its redirect URI cannot be trusted: show the error page, never redirect.
    Page {
        /// A short code (`redirect_mismatch`, `invalid_client`, …).
        error: &'static str,
        /// What is wrong, for the page.
        description: String,
    },
    /// Send the browser back to the client with an OAuth error.
    Redirect {
        /// The full `Location`.
        location: String,
        /// The error code.
        error: &'static str,
    },
}

/// A PKCE value (challenge or verifier): 43 to 128 unreserved characters (RFC 7636 §4.1).
pub(crate) fn pkce_shaped(v: &str) -> bool {
    (43..=128).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// `BASE64URL(SHA256(verifier))` (RFC 7636 §4.2, S256).
pub fn s256(verifier: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn page(error: &'static str, description: impl Into<String>) -> AuthorizeRefusal {
    AuthorizeRefusal::Page { error, description: description.into() }
}

struct Back<'a> {
    redirect_uri: &'a str,
    fragment: bool,
    state: Option<&'a str>,
}

impl Back<'_> {
    /// The client's redirect URI with `error`, `error_description` and the request's `state`.
    fn location(&self, error: &str, description: &str) -> String {
        let mut params = vec![("error", error), ("error_description", description)];
        params.extend(self.state.map(|s| ("state", s)));
        with_params(self.redirect_uri, &params, self.fragment)
    }

    fn refuse(&self, error: &'static str, description: &str) -> AuthorizeRefusal {
        AuthorizeRefusal::Redirect { location: self.location(error, description), error }
    }
}

impl AuthorizeRequest {
    /// Where the browser goes to tell the client of an error: its redirect URI with `error`,
    /// `error_description` and `state` (in the fragment for the implicit flow).
    pub fn error_location(&self, error: &str, description: &str) -> String {
        let fragment = self.response_type == ResponseType::Token;
        Back { redirect_uri: &self.redirect_uri, fragment, state: self.state.as_deref() }.location(error, description)
    }
}

impl OAuthView<'_> {
    /// Checks an authorization request. `host_domain` is the domain the request came to when
    /// that is not the public URL's host (a custom domain, or a prefix under the auth domain):
    /// when it is some pool's domain, it must be the client's pool's.
    pub async fn check_authorize(
        &self,
        p: &AuthorizeParams,
        host_domain: Option<&str>,
    ) -> CoreResult<Result<AuthorizeRequest, AuthorizeRefusal>> {
        let Some(client_id) = p.client_id.as_deref().filter(|c| !c.is_empty()) else {
            return Ok(Err(page("invalid_request", "The request has no client_id.")));
        };
        let Some((client, pool, has_domain)) = self.oauth_client(client_id).await? else {
            return Ok(Err(page("invalid_client", "The client_id is not an app client of any user pool.")));
        };
        if let Some(refusal) = self.check_domain(&pool, has_domain, host_domain).await? {
            return Ok(Err(refusal));
        }
        let Some(redirect_uri) = p.redirect_uri.as_deref().filter(|r| !r.is_empty()) else {
            return Ok(Err(page("redirect_mismatch", "The request has no redirect_uri.")));
        };
        // Exact match: scheme, host, port, path, query and trailing slash (Cognito).
        if !client.settings.callback_urls.iter().any(|u| u == redirect_uri) {
            return Ok(Err(page("redirect_mismatch", "The redirect_uri is not one of the client's callback URLs.")));
        }
        let response_type = match p.response_type.as_deref() {
            Some("code") => Some(ResponseType::Code),
            Some("token") => Some(ResponseType::Token),
            _ => None,
        };
        let back =
            Back { redirect_uri, fragment: response_type == Some(ResponseType::Token), state: p.state.as_deref() };
        // An `idp_identifier` stands for the provider that has it (by name from here on).
        let mut named;
        let p = match (&p.identity_provider, &p.idp_identifier) {
            (None, Some(id)) => match self.store.provider_by_identifier(&pool.id, id).await? {
                Some(provider) => {
                    named = p.clone();
                    named.idp_identifier = Some(provider.name);
                    &named
                }
                None => p,
            },
            _ => p,
        };
        Ok(self.check_rest(p, &client, &pool, redirect_uri, response_type, &back).map_err(|r| {
            tracing::debug!(client = client_id, ?r, "authorization request refused");
            r
        }))
    }

    fn check_rest(
        &self,
        p: &AuthorizeParams,
        client: &AppClient,
        pool: &UserPool,
        redirect_uri: &str,
        response_type: Option<ResponseType>,
        back: &Back<'_>,
    ) -> Result<AuthorizeRequest, AuthorizeRefusal> {
        let s = &client.settings;
        if p.request.is_some() {
            return Err(back.refuse("request_not_supported", "Request objects are not supported."));
        }
        if p.request_uri.is_some() {
            return Err(back.refuse("request_uri_not_supported", "request_uri is not supported."));
        }
        let response_type = match (p.response_type.as_deref(), response_type) {
            (None | Some(""), _) => return Err(back.refuse("invalid_request", "response_type is required.")),
            (Some(other), None) => {
                return Err(back.refuse(
                    "unsupported_response_type",
                    &format!("response_type {other} is not supported; use code or token."),
                ))
            }
            (_, Some(rt)) => rt,
        };
        if !s.allowed_oauth_flows_user_pool_client {
            return Err(back.refuse("unauthorized_client", "The client is not allowed to use OAuth flows."));
        }
        let flow = match response_type {
            ResponseType::Code => OAuthFlow::Code,
            ResponseType::Token => OAuthFlow::Implicit,
        };
        if !s.allowed_oauth_flows.contains(&flow) {
            return Err(back.refuse("unauthorized_client", &format!("The client is not allowed the {flow} flow.")));
        }
        if p.identity_provider.is_some() && p.idp_identifier.is_some() {
            return Err(back.refuse("invalid_request", "Send identity_provider or idp_identifier, not both."));
        }
        let identity_provider = p.identity_provider.clone().or_else(|| p.idp_identifier.clone());
        match identity_provider.as_deref() {
            Some(idp) if !s.supported_identity_providers.iter().any(|x| x == idp) => {
                return Err(back.refuse("invalid_request", &format!("The client does not support the provider {idp}.")))
            }
            None if s.supported_identity_providers.is_empty() => {
                return Err(back.refuse("unauthorized_client", "The client supports no identity provider."))
            }
            _ => {}
        }
        let scopes = self.granted_scopes(p.scope.as_deref(), client).map_err(|m| back.refuse("invalid_scope", &m))?;
        let code_challenge = match (p.code_challenge.as_deref(), p.code_challenge_method.as_deref()) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(back.refuse("invalid_request", "code_challenge_method was sent without code_challenge."))
            }
            (Some(c), Some("S256")) if pkce_shaped(c) => Some(c.to_string()),
            (Some(_), Some("S256")) => {
                return Err(back.refuse("invalid_request", "code_challenge must be 43 to 128 URL-safe characters."))
            }
            (Some(_), _) => {
                return Err(back.refuse("invalid_request", "Only the S256 code_challenge_method is supported."))
            }
        };
        let prompts: Vec<&str> = p.prompt.as_deref().unwrap_or("").split(' ').filter(|x| !x.is_empty()).collect();
        let prompt = match (
            prompts.iter().any(|x| x.eq_ignore_ascii_case("none")),
            prompts.iter().any(|x| x.eq_ignore_ascii_case("login")),
        ) {
            (true, true) => return Err(back.refuse("invalid_request", "prompt=none cannot be combined with login.")),
            (true, false) => Prompt::None,
            (false, true) => Prompt::Login,
            (false, false) => Prompt::Default,
        };
        let max_age = match p.max_age.as_deref() {
            None | Some("") => None,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if n >= 0 => Some(n),
                _ => return Err(back.refuse("invalid_request", "max_age must be a non-negative integer.")),
            },
        };
        Ok(AuthorizeRequest {
            pool_id: pool.id.clone(),
            client_id: client.client_id.clone(),
            client_name: client.name.clone(),
            redirect_uri: redirect_uri.to_string(),
            response_type,
            scopes,
            state: p.state.clone(),
            nonce: p.nonce.clone(),
            code_challenge: if response_type == ResponseType::Code { code_challenge } else { None },
            prompt,
            max_age,
            login_hint: p.login_hint.clone(),
            identity_provider,
            client: client.clone(),
            pool: pool.clone(),
        })
    }

    /// The scopes a request gets: those asked for, each allowed to the client (all the
    /// client's allowed scopes when none was asked for, as Cognito does).
    fn granted_scopes(&self, asked: Option<&str>, client: &AppClient) -> Result<Vec<String>, String> {
        let allowed = &client.settings.allowed_oauth_scopes;
        let mut out: Vec<String> = vec![];
        let asked: Vec<&str> = asked.unwrap_or("").split(' ').filter(|x| !x.is_empty()).collect();
        if asked.is_empty() {
            return Ok(allowed.clone());
        }
        for sc in asked {
            if !allowed.iter().any(|a| a == sc) {
                return Err(format!("The scope {sc} is not allowed for this client."));
            }
            if !out.iter().any(|o| o == sc) {
                out.push(sc.to_string());
            }
        }
        let needs_openid = out.iter().any(|sc| matches!(sc.as_str(), "email" | "phone" | "profile"));
        if needs_openid && !out.iter().any(|sc| sc == "openid") {
            return Err("The email, phone and profile scopes need the openid scope.".into());
        }
        Ok(out)
    }

    /// A client, its pool and whether the pool has a domain (one read); `None` for an unknown
    /// client.
    pub(crate) async fn oauth_client(&self, client_id: &str) -> CoreResult<Option<(AppClient, UserPool, bool)>> {
        if client_id.len() > 128 {
            return Ok(None);
        }
        Ok(self.store.oauth_client(&ClientId::new(client_id)).await?)
    }

    /// The pool must have a domain (Cognito serves no OAuth endpoint without one), and a
    /// request that came to some pool's domain must be for that pool.
    async fn check_domain(
        &self,
        pool: &UserPool,
        has_domain: bool,
        host_domain: Option<&str>,
    ) -> CoreResult<Option<AuthorizeRefusal>> {
        if let Some(host) = host_domain {
            if let Some(d) = self.store.get_domain(&host.to_ascii_lowercase()).await? {
                if d.pool_id != pool.id {
                    return Ok(Some(page("invalid_client", "The client does not belong to this domain's user pool.")));
                }
                return Ok(None);
            }
        }
        if !has_domain {
            return Ok(Some(page("invalid_request", "The user pool has no domain, so it serves no OAuth endpoints.")));
        }
        Ok(None)
    }

    /// True when a session may answer this request without the login page. While the pool
    /// tracks sessions, the client reuses one only within its `SSOSession.MaxValidityMinutes`
    /// of the user's last fresh authentication (0: never).
    pub fn session_fits(&self, req: &AuthorizeRequest, s: &HostedSession) -> bool {
        let age = now_millis() / 1000 - s.auth_time;
        let fresh = req.max_age.is_none_or(|max| age <= max);
        let reusable = sessions::tracking(&req.pool).is_none() || age < sessions::sso_minutes(&req.client) * 60;
        req.prompt != Prompt::Login && fresh && reusable
    }

    /// The hosted session's cookie after it answered `req`: its sealed value and `Max-Age`
    /// (seconds). It lasts an hour from now, renewed by each use; while the pool tracks
    /// sessions, at least until the client's `MaxValidityMinutes` from the authentication.
    pub fn session_cookie(&self, req: &AuthorizeRequest, s: &HostedSession) -> (String, i64) {
        let exp = cookie_expiry(req, s);
        (self.seal_session(&HostedSession { exp, ..s.clone() }), (exp - now_millis()) / 1000)
    }

    /// The answer to a good request for a signed-in user: the `Location` to send the browser to
    /// (a code, or the implicit flow's tokens).
    pub async fn grant(&self, req: &AuthorizeRequest, s: &HostedSession) -> CoreResult<String> {
        let state = req.state.as_deref();
        let tracked = sessions::tracking(&req.pool).is_some();
        if tracked {
            let s = HostedSession { exp: cookie_expiry(req, s), ..s.clone() };
            self.track_sso(&req.pool, &req.client, &s, self.req).await?;
        }
        match req.response_type {
            ResponseType::Code => {
                let grant = CodeGrant {
                    pool_id: req.pool_id.clone(),
                    username_key: s.username_key.clone(),
                    code_challenge: req.code_challenge.clone(),
                    nonce: req.nonce.clone(),
                    scopes: req.scopes.clone(),
                    auth_time: s.auth_time,
                    origin_jti: uuid::Uuid::new_v4().to_string(),
                    expires_at: now_millis() + CODE_TTL_MS,
                    sso: tracked.then(|| s.sid.clone()),
                };
                let to = CodeAudience { client: req.client_id.as_str(), redirect_uri: &req.redirect_uri };
                let code = code::seal(&self.master, &to, &grant);
                let mut params = vec![("code", code.as_str())];
                params.extend(state.map(|s| ("state", s)));
                Ok(with_params(&req.redirect_uri, &params, false))
            }
            ResponseType::Token => {
                let (client, pool) = (&req.client, &req.pool);
                let user = self
                    .store
                    .get_user(&pool.id, &s.username_key)
                    .await?
                    .ok_or_else(|| CoreError::NotAuthorized("User does not exist.".into()))?;
                let session = SessionInfo { origin_jti: uuid::Uuid::new_v4().to_string(), auth_time: s.auth_time };
                let grant = TokenGrant { scopes: req.scopes.clone(), nonce: req.nonce.clone(), ..Default::default() }
                    .issued_from(crate::triggers::claims::TokenSource::HostedAuth, self.req);
                let t = self.issue_tokens(pool, client, &user, &session, false, &grant).await?;
                let expires = t.expires_in.to_string();
                let mut params = vec![];
                if let Some(id) = &t.id_token {
                    params.push(("id_token", id.as_str()));
                }
                params.push(("access_token", t.access_token.as_str()));
                params.push(("token_type", "Bearer"));
                params.push(("expires_in", expires.as_str()));
                params.extend(state.map(|s| ("state", s)));
                Ok(with_params(&req.redirect_uri, &params, true))
            }
        }
    }

    /// `prompt=none` without a usable session: `login_required`, back to the client.
    pub fn login_required(&self, req: &AuthorizeRequest) -> String {
        req.error_location("login_required", "The user is not signed in.")
    }

    /// `/logout`: the client and its `logout_uri` (one of its sign-out URLs), or the error page.
    pub async fn check_logout(
        &self,
        client_id: Option<&str>,
        logout_uri: &str,
    ) -> CoreResult<Result<UserPoolId, AuthorizeRefusal>> {
        let Some((client, pool, has_domain)) = self.oauth_client(client_id.unwrap_or("")).await? else {
            return Ok(Err(page("invalid_client", "The client_id is not an app client of any user pool.")));
        };
        if let Some(refusal) = self.check_domain(&pool, has_domain, None).await? {
            return Ok(Err(refusal));
        }
        if !client.settings.logout_urls.iter().any(|u| u == logout_uri) {
            return Ok(Err(page("redirect_mismatch", "The logout_uri is not one of the client's sign-out URLs.")));
        }
        Ok(Ok(pool.id))
    }
}
