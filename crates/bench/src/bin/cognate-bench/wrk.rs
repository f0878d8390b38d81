//! `--wrk FILE`: sets up a scenario's fixture through the SDK, then writes a wrk Lua script that
//! replays ready-made requests (the reads: get-user, admin-get-user, list-users, describe-pool,
//! describe-client) instead of driving them here. wrk (C, one thread) sends far more requests
//! per second than the SDK can build, so the server, not the load generator, is the limit; and
//! the same script shape points at any Cognito-compatible server (scripts/bench-wrk).
//! SigV4 requests are signed once here (the signature stays valid for 15 minutes).

use super::{sign_in, Fixture};
use std::fmt::Write;

const TARGET: &str = "AWSCognitoIdentityProviderService";

/// One request: its operation and JSON body, signed or not.
struct Spec {
    op: &'static str,
    body: String,
    signed: bool,
}

/// The scenarios this mode knows.
pub const SCENARIOS: [&str; 5] = ["get-user", "admin-get-user", "list-users", "describe-pool", "describe-client"];

/// The requests of `name` over fixture `f`.
async fn specs(name: &str, f: &Fixture) -> Vec<Spec> {
    let mut out = vec![];
    match name {
        "get-user" => {
            for u in &f.users {
                let token = sign_in(f, u).await.access_token.unwrap();
                out.push(Spec {
                    op: "GetUser",
                    body: serde_json::json!({ "AccessToken": token }).to_string(),
                    signed: false,
                });
            }
        }
        "admin-get-user" => {
            for u in &f.users {
                let body = serde_json::json!({ "UserPoolId": f.pool, "Username": u }).to_string();
                out.push(Spec { op: "AdminGetUser", body, signed: true });
            }
        }
        "list-users" => {
            for p in 0..20 {
                let filter = format!("email ^= \"user{p:03}\"");
                let body = serde_json::json!({ "UserPoolId": f.pool, "Filter": filter, "Limit": 10 }).to_string();
                out.push(Spec { op: "ListUsers", body, signed: true });
            }
        }
        "describe-pool" => {
            let body = serde_json::json!({ "UserPoolId": f.pool }).to_string();
            out.push(Spec { op: "DescribeUserPool", body, signed: true });
        }
        "describe-client" => {
            let body = serde_json::json!({ "UserPoolId": f.pool, "ClientId": f.client }).to_string();
            out.push(Spec { op: "DescribeUserPoolClient", body, signed: true });
        }
        _ => panic!("--wrk knows {SCENARIOS:?}, not {name}"),
    }
    out
}

fn lua_string(s: &str) -> String {
    assert!(!s.contains("]==]"));
    format!("[==[{s}]==]")
}

/// Writes the wrk script of scenario `name` against `endpoint` to `path`.
pub async fn write(name: &str, endpoint: &str, f: &Fixture, path: &str) {
    let host = endpoint.trim_start_matches("http://").trim_start_matches("https://").trim_end_matches('/');
    let key = std::env::var("AWS_ACCESS_KEY_ID").unwrap_or_else(|_| "x".into());
    let secret = std::env::var("AWS_SECRET_ACCESS_KEY").unwrap_or_else(|_| "x".into());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let amz_date = cognate_sigv4::format_amz_date(now);
    let mut lua = String::from("local specs = {\n");
    for s in specs(name, f).await {
        let target = format!("{TARGET}.{}", s.op);
        let mut headers = vec![
            ("content-type".to_string(), "application/x-amz-json-1.1".to_string()),
            ("x-amz-target".to_string(), target),
        ];
        if s.signed {
            headers.push(("x-amz-date".into(), amz_date.clone()));
            let mut map = reqwest::header::HeaderMap::new();
            for (k, v) in &headers {
                map.insert(reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
            }
            let auth = cognate_testkit::sign(&key, &secret, "cognito-idp", host, &map, s.body.as_bytes(), &amz_date);
            headers.push(("authorization".into(), auth));
        }
        lua.push_str("  { headers = {");
        for (k, v) in headers {
            let _ = write!(lua, " [ {} ] = {},", lua_string(&k), lua_string(&v));
        }
        let _ = writeln!(lua, " }}, body = {} }},", lua_string(&s.body));
    }
    lua.push_str(
        "}\nlocal reqs, n, i = {}, 0, 0\n\
         function init(args)\n  for k, s in ipairs(specs) do reqs[k] = wrk.format(\"POST\", \"/\", s.headers, s.body) end\n  n = #reqs\nend\n\
         function request()\n  i = i % n + 1\n  return reqs[i]\nend\n",
    );
    std::fs::write(path, lua).expect("write the wrk script");
}
