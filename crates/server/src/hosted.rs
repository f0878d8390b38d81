//! The hosted UI's paths on the listener: the request context and the body (within the same
//! limits as the APIs' front door), then `cognate_hosted_ui` answers.

use crate::front_door::{read_body, request_context, FrontDoor};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::Response;
use cognate_core::Cognate;
use cognate_hosted_ui::{HostedUi, UiRequest};
use std::net::SocketAddr;
use std::sync::Arc;
use tracing::Instrument;

/// The hosted UI with the front door's limits.
pub struct Hosted {
    ui: HostedUi,
    door: Arc<FrontDoor>,
}

impl Hosted {
    /// The hosted UI of `svc` at `public_url`.
    pub fn new(svc: &Cognate, public_url: &str, auth_domain: Option<String>, door: Arc<FrontDoor>) -> Self {
        Self { ui: HostedUi::new(svc.clone(), public_url, auth_domain), door }
    }
}

/// A plain-text refusal; `close` when the body was not read to its end.
fn plain(status: u16, msg: &str, close: bool) -> Response {
    let mut r = Response::new(Body::from(msg.to_string()));
    if close {
        r.headers_mut().insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
    }
    *r.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::BAD_REQUEST);
    r.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain; charset=utf-8"));
    r
}

/// Serves one hosted-UI or OAuth request.
pub async fn handle(
    State(h): State<Arc<Hosted>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let ctx = request_context(&h.door, peer, &parts.headers);
    // The pages' forms (sign-in, sign-up, codes, resets) count against the address's public
    // rate; the OAuth and SAML endpoints serve apps and IdPs, which authenticate themselves.
    let path = parts.uri.path();
    let form = parts.method == http::Method::POST && !path.starts_with("/oauth2/") && !path.starts_with("/saml2/");
    if form {
        if let Err(e) = h.door.admit(&ctx) {
            return plain(429, &e.message, true);
        }
    }
    let declared = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > h.door.max_body_bytes as u64) {
        return plain(413, "The request body is too large.", true);
    }
    let body = match read_body(body, h.door.max_body_bytes, h.door.body_timeout).await {
        Ok(b) => b,
        Err(e) => return plain(e.status, &e.message, true),
    };
    let span = tracing::info_span!("hosted", path = %parts.uri.path(), request_id = %ctx.request_id);
    let resp = h.ui.handle(UiRequest { parts, body, ctx }).instrument(span).await;
    resp.map(Body::from)
}
