//! `GET /metrics`: Prometheus text format (0.0.4). Requests answered per API, operation and
//! status class, and the time spent on them (the front door's counters); this month's active
//! users per pool, native and federated apart (`core::usage`). Behind `Authorization: Bearer`
//! when `COGNATE_METRICS_TOKEN` is set.

use crate::front_door::FrontDoor;
use axum::body::Body;
use axum::response::Response;
use cognate_core::Cognate;
use std::fmt::Write;
use std::sync::atomic::Ordering;
use subtle::ConstantTimeEq;

/// What `/metrics` reads.
#[derive(Clone)]
pub struct MetricsState {
    /// The service (monthly active users).
    pub svc: Cognate,
    /// The front door (per-operation counters).
    pub door: std::sync::Arc<FrontDoor>,
    /// The bearer token, when one is required.
    pub token: Option<String>,
}

fn label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn reply(status: u16, body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    r.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain; version=0.0.4"));
    r.headers_mut().insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    r
}

/// The metrics page.
pub async fn render(m: &MetricsState, headers: &http::HeaderMap) -> Response {
    if let Some(want) = &m.token {
        let got = headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if !got.is_some_and(|g| bool::from(g.as_bytes().ct_eq(want.as_bytes()))) {
            let mut r = reply(401, "A bearer token is required.\n".into());
            r.headers_mut().insert(http::header::WWW_AUTHENTICATE, http::HeaderValue::from_static("Bearer"));
            return r;
        }
    }
    let mut out = String::new();
    let served = m.door.registry.served();
    out.push_str("# HELP cognate_requests_total Requests answered, by API, operation and status class.\n");
    out.push_str("# TYPE cognate_requests_total counter\n");
    for (api, op, s) in &served {
        let (calls, c4, c5) = (
            s.calls.load(Ordering::Relaxed),
            s.client_errors.load(Ordering::Relaxed),
            s.server_errors.load(Ordering::Relaxed),
        );
        for (class, n) in [("2xx", calls.saturating_sub(c4 + c5)), ("4xx", c4), ("5xx", c5)] {
            let _ = writeln!(out, "cognate_requests_total{{api=\"{api}\",operation=\"{op}\",class=\"{class}\"}} {n}");
        }
    }
    out.push_str("# HELP cognate_request_seconds_total Time spent answering, by API and operation.\n");
    out.push_str("# TYPE cognate_request_seconds_total counter\n");
    for (api, op, s) in &served {
        let secs = s.micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "cognate_request_seconds_total{{api=\"{api}\",operation=\"{op}\"}} {secs}");
    }
    let month = cognate_core::usage::month_of(cognate_model::now_millis());
    out.push_str("# HELP cognate_monthly_active_users Users who signed in, refreshed or were federated in this month, by pool.\n");
    out.push_str("# TYPE cognate_monthly_active_users gauge\n");
    match m.svc.monthly_active_users(None, Some(&month)).await {
        Ok(rows) => {
            for r in rows {
                let pool = label(&r.pool_id);
                for (kind, n) in [("native", r.users), ("federated", r.federated)] {
                    let _ = writeln!(
                        out,
                        "cognate_monthly_active_users{{pool=\"{pool}\",month=\"{month}\",kind=\"{kind}\"}} {n}"
                    );
                }
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "monthly active users unreadable");
            return reply(500, "The metrics could not be read.\n".into());
        }
    }
    reply(200, out)
}
