//! The hosted UI and the OAuth 2.0 / OpenID Connect provider of a user pool, as the pool's
//! domain serves them on Cognito: the authorization request and its answer (a code or, for the
//! implicit flow, tokens), the browser session that lets a second authorization skip the login
//! page, the token endpoint's three grants, userInfo, revocation and logout. The pages
//! themselves (HTML, forms, cookies) are the `cognate-hosted-ui` crate's; every rule is here.
//!
//! Sources: the Cognito developer guide's "User pool endpoints and managed login reference"
//! (authorize, token, userInfo, revoke, logout), RFC 6749 (errors), RFC 7636 (PKCE), RFC 7009
//! (revocation) and OpenID Connect Core 1.0 (nonce, at_hash, prompt, max_age).

pub mod admin;
mod authorize;
mod branding;
mod client_auth;
mod code;
mod pages;
mod session;
mod token;
mod userinfo;

pub use admin::DomainInput;
pub use authorize::s256;
pub use authorize::{AuthorizeParams, AuthorizeRefusal, AuthorizeRequest, Prompt, ResponseType};
pub use branding::BrandingStyle;
pub use client_auth::ClientCredentials;
pub use pages::{Logo, PageSettings};
pub use session::HostedSession;
pub use token::{TokenRequest, TokenResponse};

use crate::CoreError;

/// An authorization code lives five minutes (Cognito).
pub const CODE_TTL_MS: i64 = 5 * 60_000;
/// The hosted session (the `cognito` cookie on AWS) lasts an hour; using it renews it.
pub const SESSION_TTL_MS: i64 = 60 * 60_000;

/// An OAuth 2.0 error answer (RFC 6749 §5.2, RFC 6750 §3.1, OIDC Core §3.1.2.6).
#[derive(Debug)]
pub enum OAuthError {
    /// `invalid_request`.
    InvalidRequest(String),
    /// `invalid_client` (HTTP 401).
    InvalidClient(String),
    /// `invalid_grant`.
    InvalidGrant(String),
    /// `unauthorized_client`.
    UnauthorizedClient(String),
    /// `unsupported_grant_type`.
    UnsupportedGrantType(String),
    /// `invalid_scope`.
    InvalidScope(String),
    /// `unsupported_token_type` (revocation).
    UnsupportedTokenType(String),
    /// `invalid_token` (userInfo, HTTP 401).
    InvalidToken(String),
    /// `insufficient_scope` (userInfo, HTTP 403).
    InsufficientScope(String),
    /// Something broke inside: `server_error`, HTTP 500, logged with detail.
    Server(CoreError),
}

impl OAuthError {
    /// The `error` code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidClient(_) => "invalid_client",
            Self::InvalidGrant(_) => "invalid_grant",
            Self::UnauthorizedClient(_) => "unauthorized_client",
            Self::UnsupportedGrantType(_) => "unsupported_grant_type",
            Self::InvalidScope(_) => "invalid_scope",
            Self::UnsupportedTokenType(_) => "unsupported_token_type",
            Self::InvalidToken(_) => "invalid_token",
            Self::InsufficientScope(_) => "insufficient_scope",
            Self::Server(_) => "server_error",
        }
    }

    /// The `error_description` (none for internal errors: their detail is logged, not sent).
    pub fn description(&self) -> Option<&str> {
        match self {
            Self::InvalidRequest(m)
            | Self::InvalidClient(m)
            | Self::InvalidGrant(m)
            | Self::UnauthorizedClient(m)
            | Self::UnsupportedGrantType(m)
            | Self::InvalidScope(m)
            | Self::UnsupportedTokenType(m)
            | Self::InvalidToken(m)
            | Self::InsufficientScope(m) => Some(m),
            Self::Server(_) => None,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            Self::InvalidClient(_) | Self::InvalidToken(_) => 401,
            Self::InsufficientScope(_) => 403,
            Self::Server(_) => 500,
            _ => 400,
        }
    }
}

impl From<CoreError> for OAuthError {
    /// Store and internal failures are server errors; a rule's refusal inside a grant is the
    /// grant's fault (`invalid_grant`) unless the caller maps it more precisely first.
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::Internal(_) => Self::Server(e),
            CoreError::LimitExceeded(m) => Self::InvalidRequest(m),
            other => Self::InvalidGrant(other.to_string()),
        }
    }
}

impl From<cognate_store::StoreError> for OAuthError {
    fn from(e: cognate_store::StoreError) -> Self {
        Self::Server(e.into())
    }
}

/// Appends `params` to a URL's query (`?` or `&`) or, with `fragment`, as its fragment.
pub fn with_params(base: &str, params: &[(&str, &str)], fragment: bool) -> String {
    let joined = form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
    if fragment {
        format!("{base}#{joined}")
    } else if base.contains('?') {
        format!("{base}&{joined}")
    } else {
        format!("{base}?{joined}")
    }
}

#[cfg(test)]
mod tests;
