//! Monthly active users and `/metrics`: sign-ins and refreshes count a user once a month,
//! `/metrics` (Prometheus text, behind an optional bearer token) exports them with the
//! per-operation counters, and `cognate usage` prints the table.

use crate::common::*;
use idp::types::*;
use std::collections::HashMap;

const PASSWORD: &str = "Usage-Passw0rd!";

/// The samples of a Prometheus text page: `name{labels}` → value (every line parsed).
fn samples(text: &str) -> HashMap<String, f64> {
    let mut out = HashMap::new();
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("not a sample: {line}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("not a number: {line}"));
        assert!(series.ends_with('}') || !series.contains('{'), "{line}");
        out.insert(series.to_string(), value);
    }
    out
}

async fn metrics(s: &TestServer, token: Option<&str>) -> reqwest::Response {
    let mut req = s.http().get(format!("{}/metrics", s.endpoint));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn sign_ins_count_each_user_once_a_month_in_metrics_and_in_cognate_usage() {
    let s = TestServer::start_with(BIN, &[("COGNATE_METRICS_TOKEN", "scrape-me")]).await;
    let c = s.client();
    let pool = pool(&c).await;
    let client = app_client(&c, &pool).await;
    for name in ["ann", "ben"] {
        password_user(&c, &pool, name, PASSWORD, &[]).await;
    }
    let sign_in = |name: &'static str| {
        let (c, client) = (c.clone(), client.clone());
        async move {
            c.initiate_auth()
                .client_id(client)
                .auth_flow(AuthFlowType::UserPasswordAuth)
                .auth_parameters("USERNAME", name)
                .auth_parameters("PASSWORD", PASSWORD)
                .send()
                .await
                .unwrap()
                .authentication_result
                .unwrap()
        }
    };
    let ann = sign_in("ann").await;
    sign_in("ann").await;
    c.initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", ann.refresh_token.unwrap())
        .send()
        .await
        .unwrap();
    sign_in("ben").await;
    // Behind its token.
    assert_eq!(metrics(&s, None).await.status().as_u16(), 401);
    assert_eq!(metrics(&s, Some("wrong")).await.status().as_u16(), 401);
    // The counts are written off the sign-in's path: they show within moments.
    let month = &chrono_month();
    let key = format!("cognate_monthly_active_users{{pool=\"{pool}\",month=\"{month}\",kind=\"native\"}}");
    let mut page = HashMap::new();
    for _ in 0..50 {
        let r = metrics(&s, Some("scrape-me")).await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
        page = samples(&r.text().await.unwrap());
        if page.get(&key) == Some(&2.0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(page.get(&key), Some(&2.0), "two users, however often they signed in: {page:?}");
    let fed = key.replace("native", "federated");
    assert_eq!(page.get(&fed), Some(&0.0));
    let ok = "cognate_requests_total{api=\"cognito-idp\",operation=\"InitiateAuth\",class=\"2xx\"}";
    assert_eq!(page.get(ok), Some(&4.0), "{page:?}");
    // Latency histograms, sign-ins by flow and outcome, and the gauges; the whole page read by
    // prometheus_client's parser when the Python clients are installed.
    let h = "cognate_request_duration_seconds_count{api=\"cognito-idp\",operation=\"InitiateAuth\",class=\"2xx\"}";
    assert_eq!(page.get(h), Some(&4.0), "{page:?}");
    let inf = "cognate_request_duration_seconds_bucket{api=\"cognito-idp\",operation=\"InitiateAuth\",class=\"2xx\",le=\"+Inf\"}";
    assert_eq!(page.get(inf), Some(&4.0));
    assert_eq!(page.get("cognate_sign_ins_total{flow=\"USER_PASSWORD_AUTH\",outcome=\"success\"}"), Some(&3.0));
    assert_eq!(page.get("cognate_sign_ins_total{flow=\"REFRESH_TOKEN_AUTH\",outcome=\"success\"}"), Some(&1.0));
    for g in [
        "cognate_password_hash_waiting",
        "cognate_signing_key_age_seconds",
        "cognate_store_probe_seconds",
        "cognate_revocation_feed_lag_seconds",
    ] {
        assert!(page.contains_key(g), "{g}: {page:?}");
    }
    assert!(page.get("cognate_revocation_feed_lag_seconds").unwrap() < &5.0, "the feed is read every second");
    if let Ok(python) = std::env::var("COGNATE_PYTHON") {
        let text = metrics(&s, Some("scrape-me")).await.text().await.unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/py/parse_metrics.py");
        let mut child = std::process::Command::new(python)
            .arg(script)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(parsed["ok"], true, "{parsed}");
        let fams = &parsed["families"];
        assert_eq!(fams["cognate_request_duration_seconds"]["type"], "histogram");
        assert_eq!(fams["cognate_sign_ins"]["type"], "counter");
        assert_eq!(fams["cognate_monthly_active_users"]["type"], "gauge");
        assert_eq!(fams["cognate_store_connections"]["type"], "gauge");
    }
    // `cognate usage`, on the same store.
    let out = std::process::Command::new(BIN)
        .args(["usage", "--data-dir"])
        .arg(&s.data_dir)
        .args(["--pool", &pool])
        .envs(s.backend_env())
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{table} {}", String::from_utf8_lossy(&out.stderr));
    let row = table.lines().find(|l| l.contains(&pool)).unwrap_or_else(|| panic!("{table}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells, [month.as_str(), pool.as_str(), "2", "0", "2"], "{table}");
}

/// This month, `YYYY-MM` (UTC).
fn chrono_month() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let days = secs.div_euclid(86400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}")
}
