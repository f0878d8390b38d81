//! The generic server: one entry point that owns the request id, the tracing span named after
//! the operation, SigV4 for non-public operations, the body limit and error rendering.

use crate::router::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use bytes::Bytes;
use cognate_api_idp::{Auth, Operation, TARGET_PREFIX};
use cognate_aws_protocol::{cors, error_response, json_response, new_request_id, split_target, WireError};
use cognate_core::AdminCtx;
use http::{Method, StatusCode};
use std::sync::Arc;
use tracing::Instrument;

fn reply(resp: http::Response<Bytes>) -> Response {
    resp.map(Body::from)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Routes every request.
pub async fn handle(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let rid = new_request_id();
    let (parts, body) = req.into_parts();
    if parts.method == Method::OPTIONS {
        return reply(cors::preflight());
    }
    if parts.method == Method::GET {
        if parts.uri.path() == "/health" {
            return reply(json_response(&rid, br#"{"status":"ok"}"#.to_vec()));
        }
        if let Some(resp) = crate::issuer::handle(&state.svc, parts.uri.path()).await {
            return resp;
        }
    }
    let target = parts.headers.get("x-amz-target").and_then(|v| v.to_str().ok()).map(str::to_string);
    let Some(target) = target.filter(|_| parts.method == Method::POST) else {
        let mut r = error_response(
            &rid,
            &WireError::client("UnknownOperationException", "No operation at this method and path."),
        );
        *r.status_mut() = StatusCode::NOT_FOUND;
        return reply(r);
    };
    let body = match axum::body::to_bytes(body, state.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => {
            let e = WireError {
                code: "SerializationException",
                message: format!("The request body is larger than the limit of {} bytes.", state.max_body_bytes),
                status: 413,
            };
            return reply(error_response(&rid, &e));
        }
    };
    let op = match split_target(&target) {
        Some((TARGET_PREFIX, name)) => Operation::from_name(name),
        _ => None,
    };
    let Some(op) = op else {
        let e = WireError::client("UnknownOperationException", format!("Unknown operation {target}."));
        return reply(error_response(&rid, &e));
    };
    let span = tracing::info_span!("op", op = op.name(), request_id = %rid);
    async move {
        let started = std::time::Instant::now();
        let result = match authorize(&state, op, &parts, &body) {
            Ok(auth) => state.idp.handle(op, auth, &body).await,
            Err(e) => Err(e),
        };
        let resp = match result {
            Ok(out) => json_response(&rid, out),
            Err(e) => error_response(&rid, &e),
        };
        tracing::info!(status = resp.status().as_u16(), ms = started.elapsed().as_millis() as u64, "done");
        reply(resp)
    }
    .instrument(span)
    .await
}

/// Public operations need no signature (browsers send none); every other one must carry a
/// valid SigV4 signature from a configured key.
fn authorize(state: &AppState, op: Operation, parts: &http::request::Parts, body: &[u8]) -> Result<Auth, WireError> {
    if op.is_public() {
        return Ok(Auth::Public);
    }
    let req = cognate_sigv4::Request {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        headers: &parts.headers,
        body,
    };
    match state.idp_verifier.verify(&req, &state.access_keys, unix_now()) {
        Ok(principal) => Ok(Auth::Admin(AdminCtx::new(principal))),
        Err(e) => {
            tracing::info!(reason = %e, "signature refused");
            Err(WireError { code: e.aws_code(), message: e.to_string(), status: e.http_status() })
        }
    }
}
