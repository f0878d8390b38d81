//! The hosted UI and the OAuth 2.0 / OpenID Connect endpoints of a user-pool domain, on the
//! root of `COGNATE_PUBLIC_URL` (README, "Requests, by what they carry"): `/oauth2/authorize`,
//! `/oauth2/token`, `/oauth2/userInfo`, `/oauth2/revoke`, `/logout`, and the pages `/login`,
//! `/signup`, `/confirmUser`, `/forgotPassword`, `/confirmForgotPassword`, `/mfa`, `/error`,
//! plus `/logo/{pool}/{client}` for the logo of SetUICustomization.
//!
//! This crate owns the web side only: parsing queries, forms, cookies and `Basic`
//! credentials, rendering pages (minijinja templates, translation files), cookies, CSRF and
//! the security headers, and the JSON and error wire of the token endpoint. Every rule (who
//! may sign in, which redirect is allowed, what a code is worth) is `cognate_core::hosted`'s,
//! and the pages drive the same sign-in machine as the API. Like an API crate it sees a
//! request as the `http` crate's head and bytes; the server routes the paths here.

mod i18n;
mod oauth;
mod pages;
mod render;
mod request;
mod response;
mod saml;

pub use request::UiRequest;

use cognate_core::Cognate;
use http::Method;

/// The hosted UI of every pool of one service.
pub struct HostedUi {
    svc: Cognate,
    /// The public URL's host (`host[:port]`): requests to it name no domain.
    public_host: String,
    /// Cookies get `Secure` when the public URL is https.
    secure: bool,
    /// `COGNATE_AUTH_DOMAIN`: `{prefix}.{auth_domain}` hosts name a prefix domain.
    auth_domain: Option<String>,
    render: render::Renderer,
}

/// The paths this crate serves (exact; `/logo/…` by prefix).
pub const PATHS: &[&str] = &[
    "/oauth2/authorize",
    "/oauth2/token",
    "/oauth2/userInfo",
    "/oauth2/revoke",
    "/oauth2/idpresponse",
    "/saml2/idpresponse",
    "/saml2/logout",
    "/logout",
    "/login",
    "/signup",
    "/confirmUser",
    "/forgotPassword",
    "/confirmForgotPassword",
    "/mfa",
    "/passkeys",
    "/error",
];

impl HostedUi {
    /// The hosted UI of `svc`, reachable at `public_url`.
    pub fn new(svc: Cognate, public_url: &str, auth_domain: Option<String>) -> Self {
        let secure = public_url.starts_with("https://");
        let public_host = public_url.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("").to_string();
        Self {
            svc,
            public_host: public_host.to_ascii_lowercase(),
            secure,
            auth_domain: auth_domain.map(|d| d.trim_matches('.').to_ascii_lowercase()),
            render: render::Renderer::new(),
        }
    }

    /// True for the paths served here.
    pub fn claims(path: &str) -> bool {
        PATHS.contains(&path) || path.starts_with("/logo/") || path.starts_with("/saml2/metadata/")
    }

    /// Answers one request.
    pub async fn handle(&self, req: UiRequest) -> http::Response<bytes::Bytes> {
        let path = req.parts.uri.path().to_string();
        let method = req.parts.method.clone();
        if req.parts.uri.query().is_some_and(|q| q.len() > request::MAX_QUERY) {
            return response::text(414, "The query string is too long.");
        }
        let is_api = matches!(path.as_str(), "/oauth2/token" | "/oauth2/userInfo" | "/oauth2/revoke");
        if method == Method::OPTIONS && is_api {
            return response::preflight();
        }
        let resp = match (method.as_str(), path.as_str()) {
            ("GET", "/oauth2/authorize") => self.authorize(&req).await,
            ("POST", "/oauth2/token") => self.token(&req).await,
            ("GET" | "POST", "/oauth2/userInfo") => self.user_info(&req).await,
            ("POST", "/oauth2/revoke") => self.revoke(&req).await,
            ("GET" | "POST", "/oauth2/idpresponse") => self.idp_response(&req).await,
            ("POST", "/saml2/idpresponse") => self.saml_response(&req).await,
            ("GET", "/saml2/logout") => self.saml_logout(&req).await,
            ("GET", p) if p.starts_with("/saml2/metadata/") => self.saml_metadata(&req, p).await,
            ("GET", "/logout") => self.logout(&req).await,
            ("GET", "/login") => self.login_page(&req).await,
            ("POST", "/login") => self.login_submit(&req).await,
            ("GET", "/signup") => self.signup_page(&req).await,
            ("POST", "/signup") => self.signup_submit(&req).await,
            ("GET", "/confirmUser") => self.confirm_page(&req).await,
            ("POST", "/confirmUser") => self.confirm_submit(&req).await,
            ("GET", "/forgotPassword") => self.forgot_page(&req).await,
            ("POST", "/forgotPassword") => self.forgot_submit(&req).await,
            ("GET", "/confirmForgotPassword") => self.reset_page(&req).await,
            ("POST", "/confirmForgotPassword") => self.reset_submit(&req).await,
            ("GET", "/mfa") => self.mfa_get(&req).await,
            ("POST", "/mfa") => self.mfa_submit(&req).await,
            ("POST", "/passkeys") => self.passkeys_submit(&req).await,
            ("GET", "/error") => self.error_route(&req),
            ("GET", p) if p.starts_with("/logo/") => self.logo(&req, p).await,
            _ => response::method_not_allowed(is_api),
        };
        if is_api {
            response::with_cors(resp)
        } else {
            resp
        }
    }

    /// The domain a request came to when it is not the public URL's host: a prefix under
    /// `COGNATE_AUTH_DOMAIN`, or the host itself (a custom domain).
    fn host_domain(&self, req: &UiRequest) -> Option<String> {
        let host = req.host()?.to_ascii_lowercase();
        if host == self.public_host {
            return None;
        }
        let name = host.split(':').next().unwrap_or("");
        if let Some(auth) = &self.auth_domain {
            if let Some(prefix) = name.strip_suffix(auth.as_str()).and_then(|p| p.strip_suffix('.')) {
                return Some(prefix.to_string());
            }
        }
        Some(name.to_string())
    }
}

#[cfg(test)]
mod tests;
