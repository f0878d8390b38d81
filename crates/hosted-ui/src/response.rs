//! Answers: pages with their security headers, redirects, the token endpoint's JSON, and the
//! cookies (the hosted session and the CSRF token).

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, SET_COOKIE};
use http::{HeaderValue, Response, StatusCode};

/// The CSRF cookie's name.
pub const CSRF_COOKIE: &str = "cognate_csrf";

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST)
}

fn set(resp: &mut Response<Bytes>, name: http::header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, v);
    }
}

/// An HTML page. `nonce` is the one its `<style>` (and the passkey page's `<script>`) carries:
/// the only style and script the policy allows.
pub fn html(code: u16, body: String, nonce: &str) -> Response<Bytes> {
    let mut r = Response::new(Bytes::from(body));
    *r.status_mut() = status(code);
    set(&mut r, CONTENT_TYPE, "text/html; charset=utf-8");
    set(&mut r, CACHE_CONTROL, "no-store");
    let csp = format!(
        "default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'"
    );
    set(&mut r, http::header::CONTENT_SECURITY_POLICY, &csp);
    set(&mut r, http::header::X_FRAME_OPTIONS, "DENY");
    set(&mut r, http::header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(&mut r, http::header::REFERRER_POLICY, "no-referrer");
    r
}

/// Plain text (for answers before any page can be chosen).
pub fn text(code: u16, msg: &str) -> Response<Bytes> {
    let mut r = Response::new(Bytes::from(msg.to_string()));
    *r.status_mut() = status(code);
    set(&mut r, CONTENT_TYPE, "text/plain; charset=utf-8");
    set(&mut r, CACHE_CONTROL, "no-store");
    r
}

/// A redirect (302, as Cognito answers).
pub fn redirect(location: &str) -> Response<Bytes> {
    let mut r = Response::new(Bytes::new());
    *r.status_mut() = StatusCode::FOUND;
    match HeaderValue::from_str(location) {
        Ok(v) => {
            r.headers_mut().insert(LOCATION, v);
        }
        Err(_) => return text(400, "The redirect location is not a valid header value."),
    }
    set(&mut r, CACHE_CONTROL, "no-store");
    set(&mut r, http::header::REFERRER_POLICY, "no-referrer");
    r
}

/// A JSON answer of the OAuth endpoints: never cached (RFC 6749 §5.1).
pub fn json(code: u16, body: &serde_json::Value) -> Response<Bytes> {
    let mut r = Response::new(Bytes::from(body.to_string()));
    *r.status_mut() = status(code);
    set(&mut r, CONTENT_TYPE, "application/json;charset=UTF-8");
    set(&mut r, CACHE_CONTROL, "no-store");
    set(&mut r, http::header::PRAGMA, "no-cache");
    r
}

/// An OAuth error: `{"error", "error_description"}` with its status; a 401 names the scheme
/// the client should use (RFC 6749 §5.2).
pub fn oauth_error(e: &cognate_core::hosted::OAuthError) -> Response<Bytes> {
    if let cognate_core::hosted::OAuthError::Server(inner) = e {
        tracing::error!(error = %inner, "OAuth endpoint failed");
    }
    let mut body = serde_json::json!({ "error": e.code() });
    if let Some(d) = e.description() {
        body["error_description"] = d.into();
    }
    let mut r = json(e.status(), &body);
    if e.status() == 401 {
        set(&mut r, http::header::WWW_AUTHENTICATE, "Basic realm=\"cognate\"");
    }
    r
}

/// Adds a `Set-Cookie`.
pub fn add_cookie(resp: &mut Response<Bytes>, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        resp.headers_mut().append(SET_COOKIE, v);
    }
}

/// A cookie line: HttpOnly, SameSite=Lax, path `/`, Secure when served over https.
pub fn cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

/// The cookie that binds a federated sign-in to its browser: `SameSite=None` over https, so that
/// it comes back with a provider's cross-site POST (Sign in with Apple's `form_post`, a SAML
/// IdP's HTTP-POST binding); over plain HTTP browsers refuse that, and `Lax` (top-level
/// redirects, and POSTs from the same site) is what works.
pub fn binding_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    if secure {
        format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=None; Secure")
    } else {
        format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax")
    }
}

/// The hosted session cookie of a pool.
pub fn session_cookie_name(pool: &str) -> String {
    let safe: String = pool.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    format!("cognate_session_{safe}")
}

/// 405 (the endpoints' methods are fixed); JSON for the OAuth API endpoints.
pub fn method_not_allowed(api: bool) -> Response<Bytes> {
    if api {
        json(405, &serde_json::json!({"error": "invalid_request", "error_description": "Method not allowed."}))
    } else {
        text(405, "Method not allowed.")
    }
}

/// The token, userInfo and revoke endpoints answer browsers (Amplify exchanges the code from
/// the page): any origin may call them, since they authenticate by what the body carries.
pub fn with_cors(mut r: Response<Bytes>) -> Response<Bytes> {
    set(&mut r, http::header::ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    set(&mut r, http::header::ACCESS_CONTROL_EXPOSE_HEADERS, "www-authenticate");
    r
}

/// The answer to a CORS preflight of those endpoints.
pub fn preflight() -> Response<Bytes> {
    let mut r = Response::new(Bytes::new());
    *r.status_mut() = StatusCode::NO_CONTENT;
    set(&mut r, http::header::ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    set(&mut r, http::header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
    set(&mut r, http::header::ACCESS_CONTROL_ALLOW_HEADERS, "authorization, content-type, x-amz-user-agent");
    set(&mut r, http::header::ACCESS_CONTROL_MAX_AGE, "86400");
    r
}

/// Sets one header (ignored when the value cannot be a header).
pub fn set_header(resp: &mut Response<Bytes>, name: http::header::HeaderName, value: &str) {
    set(resp, name, value);
}

/// 200 with an empty body (revocation).
pub fn empty() -> Response<Bytes> {
    let mut r = Response::new(Bytes::new());
    set(&mut r, CACHE_CONTROL, "no-store");
    r
}
