//! `GET /metrics`: Prometheus text format (0.0.4). Requests answered per API, operation and
//! status class, the time spent on them and their latency histogram (the front door's
//! counters); sign-in steps by flow and outcome; the password hasher's queue, the store's
//! connections and one round trip, the revocation feed's lag and the signing key's age
//! (`core::telemetry`); this month's active users per pool, native and federated apart
//! (`core::usage`). Behind `Authorization: Bearer` when `COGNATE_METRICS_TOKEN` is set.

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
    out.push_str("# HELP cognate_request_duration_seconds Latency of answers, by API, operation and status class.\n");
    out.push_str("# TYPE cognate_request_duration_seconds histogram\n");
    for (api, op, s) in &served {
        for (c, class) in crate::metrics::CLASSES.iter().enumerate() {
            let counts: Vec<u64> = s.histogram[c].iter().map(|b| b.load(Ordering::Relaxed)).collect();
            let total: u64 = counts.iter().sum();
            if total == 0 {
                continue;
            }
            let labels = format!("api=\"{api}\",operation=\"{op}\",class=\"{class}\"");
            let mut cumulative = 0;
            for (i, le) in crate::metrics::BUCKETS.iter().enumerate() {
                cumulative += counts[i];
                let _ = writeln!(out, "cognate_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {cumulative}");
            }
            let _ = writeln!(out, "cognate_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {total}");
            let secs = s.class_micros[c].load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(out, "cognate_request_duration_seconds_sum{{{labels}}} {secs}");
            let _ = writeln!(out, "cognate_request_duration_seconds_count{{{labels}}} {total}");
        }
    }
    let t = m.svc.telemetry();
    out.push_str("# HELP cognate_sign_ins_total Sign-in steps, by flow (or the challenge answered) and outcome.\n");
    out.push_str("# TYPE cognate_sign_ins_total counter\n");
    for (flow, outcome, n) in t.sign_ins() {
        let _ = writeln!(out, "cognate_sign_ins_total{{flow=\"{flow}\",outcome=\"{outcome}\"}} {n}");
    }
    out.push_str("# HELP cognate_trigger_calls_total Lambda trigger calls, by trigger and outcome.\n");
    out.push_str("# TYPE cognate_trigger_calls_total counter\n");
    let triggers = t.triggers();
    for (trigger, outcome, n, _) in &triggers {
        let _ = writeln!(out, "cognate_trigger_calls_total{{trigger=\"{trigger}\",outcome=\"{outcome}\"}} {n}");
    }
    out.push_str("# HELP cognate_trigger_seconds_total Time spent in Lambda trigger calls (retries included).\n");
    out.push_str("# TYPE cognate_trigger_seconds_total counter\n");
    for (trigger, outcome, _, secs) in &triggers {
        let _ = writeln!(out, "cognate_trigger_seconds_total{{trigger=\"{trigger}\",outcome=\"{outcome}\"}} {secs}");
    }
    match m.svc.gauges().await {
        Ok(g) => {
            let gauge = |out: &mut String, name: &str, help: &str, v: f64| {
                let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
            };
            gauge(
                &mut out,
                "cognate_password_hash_waiting",
                "Password hashes and checks waiting for a hasher slot.",
                g.hash_waiting as f64,
            );
            gauge(
                &mut out,
                "cognate_password_hash_running",
                "Password hashes and checks running.",
                g.hash_running as f64,
            );
            gauge(
                &mut out,
                "cognate_revocation_feed_lag_seconds",
                "Seconds since this node last read the revocation feed.",
                g.revocation_lag_seconds,
            );
            gauge(
                &mut out,
                "cognate_signing_key_age_seconds",
                "Age of the key that signs tokens.",
                g.signing_key_age_seconds,
            );
            gauge(
                &mut out,
                "cognate_store_probe_seconds",
                "One store round trip (a primary-key read), measured at this scrape.",
                g.store_probe_seconds,
            );
            out.push_str("# HELP cognate_store_connections Open store connections, by pool and state.\n");
            out.push_str("# TYPE cognate_store_connections gauge\n");
            for (pool, open, idle) in g.connections {
                let _ = writeln!(out, "cognate_store_connections{{pool=\"{pool}\",state=\"idle\"}} {idle}");
                let _ = writeln!(
                    out,
                    "cognate_store_connections{{pool=\"{pool}\",state=\"busy\"}} {}",
                    open.saturating_sub(idle)
                );
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "the store does not answer the metrics probe");
            return reply(500, "The metrics could not be read.\n".into());
        }
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

#[cfg(test)]
mod tests {
    /// Every metric the Grafana dashboard (`ops/grafana/cognate.json`) queries is one this page
    /// exports.
    #[test]
    fn the_dashboard_queries_exported_metrics() {
        let dashboard: serde_json::Value =
            serde_json::from_str(include_str!("../../../ops/grafana/cognate.json")).expect("the dashboard is JSON");
        let source = include_str!("prometheus.rs");
        let mut seen = 0;
        for panel in dashboard["panels"].as_array().unwrap() {
            for target in panel["targets"].as_array().unwrap() {
                let expr = target["expr"].as_str().unwrap();
                for word in expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                    if let Some(name) = word.strip_prefix("cognate_") {
                        let base = name.trim_end_matches("_bucket");
                        assert!(source.contains(&format!("cognate_{base}")), "{word} is not exported");
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen >= 10);
    }
}
