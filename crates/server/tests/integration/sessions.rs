//! Session management: the pool's and the clients' session configuration, token sessions
//! listed (the caller's marked current), refreshed, evicted past `MaxPerUser` and revoked by the
//! user and by an admin; SSO sessions from the hosted pages, linked to the token sessions that
//! came through them and revoked with them; a revocation on one node refused on the other.
//! Sign-ins go through the Rust SDK; the session operations, newer than the Rust SDK of the
//! lock, through boto3 (`tests/py/call.py`).

use crate::common::*;
use crate::hosted::{fx_with, CB, VERIFIER};
use cognate_testkit::browser::Browser;
use idp::types::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const PASSWORD: &str = "Session-Passw0rd!";

/// One boto3 call: its answer, or the error code.
fn boto(endpoint: &str, op: &str, params: Value) -> Result<Value, String> {
    let python = std::env::var("COGNATE_PYTHON").expect("checked by python()");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/py/call.py");
    let out = std::process::Command::new(python)
        .args([script, endpoint, cognate_testkit::ACCESS_KEY, cognate_testkit::SECRET_KEY, op, &params.to_string()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let r: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|_| panic!("{op}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    match r.get("ok") {
        Some(v) => Ok(v.clone()),
        None => Err(r["error"].as_str().unwrap_or_default().to_string()),
    }
}

fn python() -> bool {
    let there = std::env::var("COGNATE_PYTHON").is_ok();
    if !there {
        eprintln!("skipped: run ./scripts/test to install boto3 (the Rust SDK of this lock has no session calls)");
    }
    there
}

async fn sign_in(c: &idp::Client, client: &str) -> AuthenticationResultType {
    c.initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "sue")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap()
}

async fn refresh(c: &idp::Client, client: &str, token: &str) -> Result<(), String> {
    c.initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", token)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| format!("{}: {}", code(&e), message(&e)))
}

fn track(endpoint: &str, pool: &str, max: i64) {
    let params = json!({"UserPoolId": pool, "UserSessionTracking": "ENABLED", "TokenSession": {"MaxPerUser": max}});
    let t = boto(endpoint, "set_user_pool_session_configuration", params).unwrap();
    assert_eq!(t["UserSessionTracking"], "ENABLED");
}

fn admin_sessions(endpoint: &str, pool: &str, user: &str) -> Vec<Value> {
    let r = boto(endpoint, "admin_list_user_sessions", json!({"UserPoolId": pool, "Username": user})).unwrap();
    r["Sessions"].as_array().cloned().unwrap_or_default()
}

fn my_sessions(endpoint: &str, access: &str) -> Result<Vec<Value>, String> {
    let r = boto(endpoint, "list_user_sessions", json!({"AccessToken": access}))?;
    Ok(r["Sessions"].as_array().cloned().unwrap_or_default())
}

/// The id of the session an access token belongs to, as its owner's list shows it.
fn session_of(endpoint: &str, access: &str) -> String {
    let mine = my_sessions(endpoint, access).unwrap();
    let current: Vec<&Value> = mine.iter().filter(|s| s["IsCurrentSession"] == true).collect();
    assert_eq!(current.len(), 1, "{mine:?}");
    current[0]["SessionId"].as_str().unwrap().to_string()
}

fn ids(sessions: &[Value]) -> Vec<String> {
    sessions.iter().map(|s| s["SessionId"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn token_sessions_are_listed_evicted_and_revoked() {
    if !python() {
        return;
    }
    let s = server().await;
    let (c, e) = (s.client(), s.endpoint.clone());
    let pool = pool(&c).await;
    let client = app_client(&c, &pool).await;
    password_user(&c, &pool, "sue", PASSWORD, &[]).await;

    // Off until set: Cognito's defaults, and the session operations are not enabled.
    let cfg = boto(&e, "get_user_pool_session_configuration", json!({"UserPoolId": pool})).unwrap();
    assert_eq!(cfg["UserSessionTracking"], "DISABLED");
    assert_eq!(cfg["TokenSession"]["MaxPerUser"], 20);
    let early = sign_in(&c, &client).await;
    assert_eq!(my_sessions(&e, early.access_token().unwrap()).unwrap_err(), "OperationNotEnabledException");
    let r = boto(&e, "admin_list_user_sessions", json!({"UserPoolId": pool, "Username": "sue"}));
    assert_eq!(r.unwrap_err(), "OperationNotEnabledException");
    let sso = json!({"UserPoolId": pool, "ClientId": client, "SSOSession": {"MaxValidityMinutes": 30}});
    let r = boto(&e, "set_user_pool_client_session_configuration", sso);
    assert_eq!(r.unwrap_err(), "OperationNotEnabledException", "a client's SSO setting needs tracking on");
    let bad = json!({"UserPoolId": pool, "UserSessionTracking": "ENABLED", "TokenSession": {"MaxPerUser": 101}});
    assert_eq!(boto(&e, "set_user_pool_session_configuration", bad).unwrap_err(), "InvalidParameterException");

    track(&e, &pool, 3);
    let cfg = boto(&e, "get_user_pool_session_configuration", json!({"UserPoolId": pool})).unwrap();
    assert_eq!(
        (cfg["UserSessionTracking"].as_str(), cfg["TokenSession"]["MaxPerUser"].as_i64()),
        (Some("ENABLED"), Some(3))
    );
    // UpdateUserPool does not touch it.
    c.update_user_pool().user_pool_id(&pool).send().await.unwrap();
    let cfg = boto(&e, "get_user_pool_session_configuration", json!({"UserPoolId": pool})).unwrap();
    assert_eq!(cfg["UserSessionTracking"], "ENABLED");

    let t1 = sign_in(&c, &client).await;
    let t2 = sign_in(&c, &client).await;
    let t3 = sign_in(&c, &client).await;
    let mine = my_sessions(&e, t3.access_token().unwrap()).unwrap();
    assert_eq!(mine.len(), 3, "sessions from before tracking are not recorded: {mine:?}");
    for s in &mine {
        let id = s["SessionId"].as_str().unwrap();
        assert!(id.len() == 28 && id.starts_with("tkn"), "{id}");
        assert!(id[3..].chars().all(|ch| ch.is_ascii_digit() || ch.is_ascii_lowercase()), "{id}");
        assert_eq!(s["SessionType"], "TOKEN");
        assert_eq!(s["ClientId"], client.as_str());
        assert_eq!(s["LastIPAddress"], "127.0.0.1");
        assert!(s["DeviceType"].as_str().unwrap_or("").contains("aws-sdk-rust"), "{s}");
        assert!(s["CreateDate"].is_number() && s["LastActiveDate"].is_number(), "{s}");
    }
    let s1 = session_of(&e, t1.access_token().unwrap());
    let s2 = session_of(&e, t2.access_token().unwrap());
    let s3 = session_of(&e, t3.access_token().unwrap());
    assert_eq!(ids(&mine)[0], s3, "most recently used first");

    // A refresh makes t1 the most recently used: the fourth sign-in evicts t2, the least.
    tokio::time::sleep(Duration::from_millis(5)).await;
    refresh(&c, &client, t1.refresh_token().unwrap()).await.unwrap();
    let listed = admin_sessions(&e, &pool, "sue");
    assert_eq!(ids(&listed)[0], s1, "most recently used first");
    assert!(listed.iter().all(|s| s["IsCurrentSession"] == false), "an admin has no current session");
    let t4 = sign_in(&c, &client).await;
    let now = ids(&admin_sessions(&e, &pool, "sue"));
    assert_eq!(now.len(), 3);
    assert!(!now.contains(&s2), "the least recently used session is evicted");
    assert!(refresh(&c, &client, t2.refresh_token().unwrap()).await.unwrap_err().contains("revoked"));
    let err = c.get_user().access_token(t2.access_token().unwrap()).send().await.unwrap_err();
    assert_eq!(code(&err), "NotAuthorizedException");

    // The user revokes another session of theirs, never their own.
    let a4 = t4.access_token().unwrap();
    let own = session_of(&e, a4);
    let revoke = |id: &str| boto(&e, "revoke_user_session", json!({"AccessToken": a4, "SessionId": id}));
    assert_eq!(revoke(&own).unwrap_err(), "InvalidParameterException");
    revoke(&s1).unwrap();
    assert!(refresh(&c, &client, t1.refresh_token().unwrap()).await.unwrap_err().contains("revoked"));
    let err = c.get_user().access_token(t1.access_token().unwrap()).send().await.unwrap_err();
    assert_eq!(code(&err), "NotAuthorizedException");
    assert_eq!(revoke(&s1).unwrap_err(), "ResourceNotFoundException", "a revoked session is gone");
    assert_eq!(my_sessions(&e, a4).unwrap().len(), 2);

    // An admin revokes one; the user's other session keeps working.
    let admin_revoke = |id: &str| {
        boto(&e, "admin_revoke_user_session", json!({"UserPoolId": pool, "Username": "sue", "SessionId": id}))
    };
    admin_revoke(&s3).unwrap();
    assert!(refresh(&c, &client, t3.refresh_token().unwrap()).await.is_err());
    refresh(&c, &client, t4.refresh_token().unwrap()).await.unwrap();
    assert_eq!(admin_revoke(&s3).unwrap_err(), "ResourceNotFoundException");

    // A global sign-out ends every token session.
    c.global_sign_out().access_token(a4).send().await.unwrap();
    assert!(admin_sessions(&e, &pool, "sue").is_empty());
}

#[tokio::test]
async fn sso_sessions_link_and_bound_silent_reuse() {
    if !python() {
        return;
    }
    let f = fx_with(server().await, false, None).await;
    let e = f.s.endpoint.clone();
    password_user(&f.c, &f.pool, "sue", PASSWORD, &[("email", "sue@example.com")]).await;
    track(&e, &f.pool, 20);
    let get = json!({"UserPoolId": f.pool, "ClientId": f.client});
    let cfg = boto(&e, "get_user_pool_client_session_configuration", get).unwrap();
    assert_eq!(cfg["SSOSession"]["MaxValidityMinutes"], 60);

    // A sign-in on the pages: an SSO session, and the code's token session linked to it.
    let mut b = Browser::new(&f.s.endpoint);
    let cb = f.sign_in(&mut b, "sue", PASSWORD).await;
    let code = cb.location_param("code").expect("signed in");
    let exchange =
        [("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", CB), ("code_verifier", VERIFIER)];
    let (st, t, _) = f.token(&exchange).await;
    assert_eq!(st, 200, "{t}");
    let listed = admin_sessions(&e, &f.pool, "sue");
    assert_eq!(listed.len(), 2, "{listed:?}");
    let sso = listed.iter().find(|s| s["SessionType"] == "SSO").unwrap().clone();
    let token = listed.iter().find(|s| s["SessionType"] == "TOKEN").unwrap().clone();
    assert!(sso["SessionId"].as_str().unwrap().starts_with("sso"));
    assert_eq!(token["OriginSessionId"], sso["SessionId"]);

    // MaxValidityMinutes 0: this client never reuses the session; back to 60: it does.
    let set = |m: i64| {
        let p = json!({"UserPoolId": f.pool, "ClientId": f.client, "SSOSession": {"MaxValidityMinutes": m}});
        boto(&e, "set_user_pool_client_session_configuration", p).unwrap();
    };
    set(0);
    let page = b.get(&f.authorize_url("")).await;
    assert!(page.location_param("code").is_none(), "no silent reuse at 0 minutes");
    set(60);
    let again = b.get(&f.authorize_url("")).await;
    let code2 = again.location_param("code").expect("silent reuse within the hour");
    let exchange =
        [("grant_type", "authorization_code"), ("code", &code2), ("redirect_uri", CB), ("code_verifier", VERIFIER)];
    let (st, t2, _) = f.token(&exchange).await;
    assert_eq!(st, 200, "{t2}");
    assert_eq!(admin_sessions(&e, &f.pool, "sue").len(), 3, "one SSO session, two token sessions");

    // Revoking the first token session with LINKED ends its SSO session too, and with it the
    // silent reuse; the other token session (not revoked itself) stays listed.
    let p = json!({"UserPoolId": f.pool, "Username": "sue", "SessionId": token["SessionId"], "RevokeAssociatedSessions": "LINKED"});
    boto(&e, "admin_revoke_user_session", p).unwrap();
    let left = admin_sessions(&e, &f.pool, "sue");
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["SessionType"], "TOKEN");
    let refreshed =
        f.token(&[("grant_type", "refresh_token"), ("refresh_token", t["refresh_token"].as_str().unwrap())]).await;
    assert_eq!(refreshed.0, 400, "the revoked session's refresh token is refused");
    let page = b.get(&f.authorize_url("")).await;
    assert!(page.location_param("code").is_none(), "the revoked SSO session signs no one in");
}

#[tokio::test]
async fn a_session_revoked_on_one_node_is_refused_on_the_other() {
    if !python() {
        return;
    }
    let Some((a, b, _)) = crate::multinode::nodes().await else { return };
    let (ca, cb) = (a.client(), b.client());
    let pool = pool(&ca).await;
    let client = app_client(&ca, &pool).await;
    password_user(&ca, &pool, "sue", PASSWORD, &[]).await;
    track(&a.endpoint, &pool, 20);
    let keep = sign_in(&ca, &client).await;
    let gone = sign_in(&cb, &client).await;
    // Each node lists what the other recorded.
    assert_eq!(my_sessions(&b.endpoint, keep.access_token().unwrap()).unwrap().len(), 2);
    let id = session_of(&a.endpoint, gone.access_token().unwrap());
    let p = json!({"AccessToken": keep.access_token().unwrap(), "SessionId": id});
    boto(&a.endpoint, "revoke_user_session", p).unwrap();
    let started = Instant::now();
    loop {
        match cb.get_user().access_token(gone.access_token().unwrap()).send().await {
            Err(e) => {
                assert_eq!(code(&e), "NotAuthorizedException");
                break;
            }
            Ok(_) => {
                assert!(started.elapsed() < Duration::from_secs(3), "B still accepts a revoked session's token");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    assert!(refresh(&cb, &client, gone.refresh_token().unwrap()).await.is_err());
    assert_eq!(admin_sessions(&b.endpoint, &pool, "sue").len(), 1);
}
