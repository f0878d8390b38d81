//! The front door of the AWS APIs (garage's `ApiServer`): every request that no route of
//! `routes` took comes here. It finds the API that claims the request, reads the body within the
//! limit, names the operation, checks the SigV4 signature when the operation's auth kind asks
//! for one (scoped to that API's service), and hands the call over; it owns the request id, the
//! span named after the operation, the per-operation counters and the error rendering in that
//! API's protocol.

use crate::client_ip::{client_ip, IpNet};
use crate::metrics::ApiStats;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::Response;
use bytes::Bytes;
use cognate_api::{Api, Call, Caller, RequestContext};
use cognate_aws_protocol::{cors, new_request_id, Protocol, WireError};
use cognate_core::principal::{CredentialLookup, Principal};
use cognate_sigv4::{SigV4Error, Verifier};
use http::{Method, StatusCode};
use std::net::SocketAddr;
use std::sync::Arc;
use tracing::Instrument;

/// One API on the listener, with what the front door keeps for it.
pub struct Registered {
    api: Box<dyn Api>,
    verifier: Verifier,
    /// Its per-operation counters.
    pub stats: ApiStats,
}

/// Every API the listener serves, in the order they are asked to claim a request.
pub struct Registry {
    apis: Vec<Registered>,
}

impl Registry {
    /// APIs whose SigV4 scopes name `region`.
    pub fn new(region: &str, apis: Vec<Box<dyn Api>>) -> Self {
        let apis = apis
            .into_iter()
            .map(|api| Registered {
                verifier: Verifier::new(api.signing_service(), region),
                stats: ApiStats::new(api.operations().len()),
                api,
            })
            .collect();
        Self { apis }
    }

    fn claiming(&self, head: &http::request::Parts) -> Option<&Registered> {
        self.apis.iter().find(|r| r.api.claims(head))
    }

    /// Every operation that has answered at least once, with its API's name and its counters.
    pub fn served(&self) -> Vec<(&'static str, &'static str, &crate::metrics::OpStats)> {
        let mut out = Vec::new();
        for reg in &self.apis {
            for (i, name) in reg.api.operations().iter().enumerate() {
                if let Some(s) = reg.stats.get(i).filter(|s| s.calls.load(std::sync::atomic::Ordering::Relaxed) > 0) {
                    out.push((reg.api.name(), *name, s));
                }
            }
        }
        out
    }

    /// Logs what each API served since the start: calls, errors and mean time per operation.
    pub fn log_summary(&self) {
        for reg in &self.apis {
            for (i, name) in reg.api.operations().iter().enumerate() {
                let Some(s) = reg.stats.get(i) else { continue };
                let load = |a: &std::sync::atomic::AtomicU64| a.load(std::sync::atomic::Ordering::Relaxed);
                let calls = load(&s.calls);
                if let Some(mean_us) = load(&s.micros).checked_div(calls) {
                    tracing::info!(
                        api = reg.api.name(),
                        op = name,
                        calls,
                        client_errors = load(&s.client_errors),
                        server_errors = load(&s.server_errors),
                        mean_us,
                        "served"
                    );
                }
            }
        }
    }
}

/// What the front door needs.
pub struct FrontDoor {
    /// The APIs.
    pub registry: Registry,
    /// Finds the secret (and kind) of a signing key.
    pub credentials: Arc<dyn CredentialLookup>,
    /// Largest accepted body.
    pub max_body_bytes: usize,
    /// A body must arrive within this.
    pub body_timeout: std::time::Duration,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
    /// The public operations' and the hosted forms' rate per address (`None`: unlimited).
    pub rate: Option<crate::rate_limit::RateLimiter>,
}

impl FrontDoor {
    /// Takes a token of the request's address for work anyone may ask for.
    pub fn admit(&self, rc: &RequestContext) -> Result<(), WireError> {
        match (&self.rate, rc.source_ip) {
            (Some(l), Some(ip)) => l.check(ip).map_err(|wait| {
                tracing::debug!(%ip, "over the public rate");
                crate::rate_limit::too_many(wait)
            }),
            _ => Ok(()),
        }
    }
}

fn reply(resp: http::Response<Bytes>) -> Response {
    resp.map(Body::from)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// The request's context: a fresh request id, the client address, the user agent.
pub fn request_context(door: &FrontDoor, peer: SocketAddr, headers: &http::HeaderMap) -> RequestContext {
    let forwarded: Vec<&str> = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    RequestContext {
        request_id: new_request_id(),
        source_ip: Some(client_ip(&door.trusted_proxies, peer.ip(), &forwarded)),
        user_agent: headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect()),
        trigger_input: Default::default(),
        claimed_ip: None,
    }
}

/// The answer to a request no API claims: a JSON 1.1 call (it names a target) gets 400
/// `UnknownOperationException`, anything else 404.
fn unclaimed(request_id: &str, parts: &http::request::Parts) -> http::Response<Bytes> {
    match parts.headers.get("x-amz-target").filter(|_| parts.method == Method::POST) {
        Some(target) => {
            let target = String::from_utf8_lossy(target.as_bytes());
            Protocol::AwsJson11.error(
                request_id,
                &WireError::client("UnknownOperationException", format!("Unknown operation {target}.")),
            )
        }
        None => {
            let mut r = Protocol::AwsJson11.error(
                request_id,
                &WireError::client("UnknownOperationException", "No operation at this method and path."),
            );
            *r.status_mut() = StatusCode::NOT_FOUND;
            r
        }
    }
}

/// Headers a request may carry before the front door refuses it (in the API's error shape; the
/// HTTP layer refuses far more with a bare 431).
pub const MAX_HEADERS: usize = 100;

/// What can be refused from the head alone, before any of the body is read: too many headers,
/// a declared body over the limit, a content type no AWS protocol uses.
fn check_head(parts: &http::request::Parts, max_body: usize) -> Result<(), WireError> {
    if parts.headers.len() > MAX_HEADERS {
        return Err(WireError {
            code: "RequestHeaderFieldsTooLarge",
            message: format!("The request carries more than {MAX_HEADERS} headers."),
            status: 431,
        });
    }
    let declared = parts.headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok());
    if let Some(len) = declared.map(|v| v.trim().parse::<u64>()) {
        match len {
            Ok(n) if n > max_body as u64 => return Err(too_large(max_body)),
            Ok(_) => {}
            Err(_) => {
                return Err(WireError::client("SerializationException", "The Content-Length header is not a number."))
            }
        }
    }
    if let Some(ct) = parts.headers.get(http::header::CONTENT_TYPE) {
        let essence = ct.to_str().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        const ACCEPTED: [&str; 4] = [
            "application/x-amz-json-1.1",
            "application/x-amz-json-1.0",
            "application/json",
            "application/x-www-form-urlencoded",
        ];
        if !essence.is_empty() && !ACCEPTED.contains(&essence.as_str()) {
            return Err(WireError {
                code: "UnsupportedMediaTypeException",
                message: format!("The Content-Type '{essence}' is not supported; send application/x-amz-json-1.1."),
                status: 415,
            });
        }
    }
    Ok(())
}

fn too_large(max_body: usize) -> WireError {
    WireError {
        code: "SerializationException",
        message: format!("The request body is larger than the limit of {max_body} bytes."),
        status: 413,
    }
}

/// Reads the whole body within the size limit and the time limit.
pub(crate) async fn read_body(body: Body, max: usize, timeout: std::time::Duration) -> Result<Bytes, WireError> {
    match tokio::time::timeout(timeout, axum::body::to_bytes(body, max)).await {
        Err(_) => Err(WireError {
            code: "RequestTimeoutException",
            message: format!("The request body did not arrive within {} seconds.", timeout.as_secs()),
            status: 408,
        }),
        Ok(Ok(b)) => Ok(b),
        Ok(Err(e)) => {
            let source = e.into_inner();
            if source.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                Err(too_large(max))
            } else {
                tracing::info!(error = %source, "request body unreadable");
                Err(WireError::client(
                    "SerializationException",
                    "The request body could not be read (malformed chunked encoding or a closed connection).",
                ))
            }
        }
    }
}

/// Marks an answer after which the connection closes (its body was not read to the end, or the
/// client is too slow): the client learns it before reusing the socket.
fn closing(mut resp: http::Response<Bytes>) -> http::Response<Bytes> {
    resp.headers_mut().insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
    resp
}

/// Serves one request for whichever API claims it.
pub async fn handle(
    State(door): State<Arc<FrontDoor>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    if parts.method == Method::OPTIONS {
        return reply(cors::preflight());
    }
    let rc = request_context(&door, peer, &parts.headers);
    let Some(reg) = door.registry.claiming(&parts) else {
        return reply(unclaimed(&rc.request_id, &parts));
    };
    let protocol = reg.api.protocol();
    let max_body = reg.api.max_body(door.max_body_bytes);
    if let Err(e) = check_head(&parts, max_body) {
        return reply(closing(protocol.error(&rc.request_id, &e)));
    }
    let body = match read_body(body, max_body, door.body_timeout).await {
        Ok(b) => b,
        Err(e) => return reply(closing(protocol.error(&rc.request_id, &e))),
    };
    let op = match reg.api.operation(&parts, &body) {
        Ok(op) => op,
        Err(e) => return reply(protocol.error(&rc.request_id, &e)),
    };
    let span = tracing::info_span!("op", api = reg.api.name(), op = op.name, request_id = %rc.request_id);
    let door = &door;
    async move {
        let started = std::time::Instant::now();
        let rid = rc.request_id.clone();
        let caller = if op.auth.needs_signature() {
            verify(door, &reg.verifier, &parts, &body).await.map(Caller::Signed)
        } else if op.auth == cognate_api::AuthKind::Public {
            door.admit(&rc).map(|()| Caller::Anonymous)
        } else {
            Ok(Caller::Anonymous)
        };
        let result = match caller {
            Ok(caller) => reg.api.handle(Call { op: op.index, caller, request: rc, head: parts, body }).await,
            Err(e) => Err(e),
        };
        let resp = match result {
            Ok(out) => protocol.ok(&rid, out),
            Err(e) => protocol.error(&rid, &e),
        };
        let status = resp.status().as_u16();
        reg.stats.observe(op.index, status, started.elapsed());
        tracing::info!(status, ms = started.elapsed().as_millis() as u64, "done");
        reply(resp)
    }
    .instrument(span)
    .await
}

/// Checks the SigV4 signature for the API's service and turns it into a principal: parse,
/// look the key's credential up, verify with its secret, bind.
async fn verify(
    door: &FrontDoor,
    verifier: &Verifier,
    parts: &http::request::Parts,
    body: &[u8],
) -> Result<Principal, WireError> {
    let req = cognate_sigv4::Request {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        headers: &parts.headers,
        body,
    };
    let refuse = |e: SigV4Error| {
        tracing::info!(reason = %e, "signature refused");
        WireError { code: e.aws_code(), message: e.to_string(), status: e.http_status() }
    };
    let signed = verifier.parse(&req, unix_now()).map_err(refuse)?;
    let credential = door
        .credentials
        .lookup(signed.access_key_id(), signed.session_token())
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "credential lookup failed");
            WireError { code: "InternalFailure", message: "Internal server error.".into(), status: 500 }
        })?
        .ok_or_else(|| refuse(SigV4Error::UnknownKey))?;
    let proof = signed.verify(credential.secret()).map_err(refuse)?;
    credential.bind(proof).ok_or_else(|| refuse(SigV4Error::UnknownKey))
}

#[cfg(test)]
mod tests;
