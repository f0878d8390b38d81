//! Regression tests for what a probe of the release binary found (each was reproduced against
//! it first): unbounded error answers, connections held open, signatures that did not cover the
//! target, lockouts that grew with every attempt, answers that told existing users from unknown
//! ones. Each test fails on the old behaviour.

use crate::common::*;
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn addr(s: &TestServer) -> String {
    s.endpoint.trim_start_matches("http://").to_string()
}

/// Reads from a socket until it closes or `limit` passes; returns what came and whether it closed.
async fn read_until_closed(sock: &mut TcpStream, limit: Duration) -> (String, bool) {
    let mut out = vec![];
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, sock.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&out).into_owned(), true),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&out).into_owned(), false),
        }
    }
}

async fn bounded_server() -> TestServer {
    TestServer::start_with(
        BIN,
        &[("COGNATE_HEADER_TIMEOUT_SECS", "1"), ("COGNATE_BODY_TIMEOUT_SECS", "1"), ("COGNATE_MAX_CONNECTIONS", "40")],
    )
    .await
}

#[tokio::test]
async fn error_answers_stay_small_whatever_the_input() {
    let s = server().await;
    let names = vec![""; 100_000];
    let body = json!({"AccessToken": "x", "UserAttributeNames": names}).to_string();
    let r = s.raw("DeleteUserAttributes", body.as_bytes(), Signing::None).await;
    assert_eq!((r.status, r.error_type()), (400, "InvalidParameterException"));
    let message = r.json["message"].as_str().unwrap();
    assert!(message.len() < 2_000, "{} bytes", message.len());
    assert!(message.ends_with("more"), "{message}");
}

#[tokio::test]
async fn silent_slow_and_idle_connections_are_closed() {
    let s = bounded_server().await;
    // Connects and sends nothing.
    let mut silent = TcpStream::connect(addr(&s)).await.unwrap();
    // Headers one byte at a time, slower than the header timeout allows.
    let mut slow = TcpStream::connect(addr(&s)).await.unwrap();
    let slow_writer = tokio::spawn(async move {
        for b in b"GET /health HTTP/1.1\r\nHost: x\r\n".iter() {
            if slow.write_all(&[*b]).await.is_err() {
                return slow;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        slow
    });
    // A finished request, then an idle keep-alive connection.
    let mut idle = TcpStream::connect(addr(&s)).await.unwrap();
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let (first, _) = read_until_closed(&mut idle, Duration::from_millis(300)).await;
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    let (_, closed) = read_until_closed(&mut silent, Duration::from_secs(5)).await;
    assert!(closed, "a silent connection stays open");
    let (_, closed) = read_until_closed(&mut idle, Duration::from_secs(5)).await;
    assert!(closed, "an idle keep-alive connection stays open");
    let mut slow = slow_writer.await.unwrap();
    let (_, closed) = read_until_closed(&mut slow, Duration::from_secs(5)).await;
    assert!(closed, "a slow header sender stays connected");
    let r = s.http().get(format!("{}/health", s.endpoint)).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn oversized_and_stalled_bodies_are_refused_at_once() {
    let s = bounded_server().await;
    // A declared length over the limit: 413 before any of the body is sent, and the connection
    // says it closes.
    let mut sock = TcpStream::connect(addr(&s)).await.unwrap();
    let head = "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools\r\n\
                Content-Type: application/x-amz-json-1.1\r\nContent-Length: 10000000000\r\n\r\n";
    sock.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let (answer, closed) = read_until_closed(&mut sock, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");
    assert!(answer.contains("SerializationException"), "{answer}");
    assert!(closed && started.elapsed() < Duration::from_secs(1));
    // A body that stops half-way: 408 after the body timeout.
    let mut sock = TcpStream::connect(addr(&s)).await.unwrap();
    let head = "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools\r\n\
                Content-Type: application/x-amz-json-1.1\r\nContent-Length: 100\r\n\r\n{\"Max";
    sock.write_all(head.as_bytes()).await.unwrap();
    let (answer, closed) = read_until_closed(&mut sock, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("RequestTimeoutException") && closed, "{answer}");
    // A malformed chunk is not "larger than the limit".
    let mut sock = TcpStream::connect(addr(&s)).await.unwrap();
    let head = "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools\r\n\
                Content-Type: application/x-amz-json-1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n";
    sock.write_all(head.as_bytes()).await.unwrap();
    let (answer, _) = read_until_closed(&mut sock, Duration::from_secs(3)).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("could not be read") && !answer.contains("larger than"), "{answer}");
    let r = s.http().get(format!("{}/health", s.endpoint)).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn connections_over_the_cap_are_closed_and_the_server_keeps_serving() {
    let s = bounded_server().await;
    let mut held = vec![];
    for _ in 0..60 {
        held.push(TcpStream::connect(addr(&s)).await.unwrap());
    }
    // The 40 allowed ones stay open (until the header timeout); the rest are closed at once.
    let mut checks = tokio::task::JoinSet::new();
    for mut sock in held {
        checks.spawn(async move { read_until_closed(&mut sock, Duration::from_millis(300)).await.1 });
    }
    let closed_at_once = checks.join_all().await.into_iter().filter(|c| *c).count();
    assert!((15..=25).contains(&closed_at_once), "{closed_at_once} of 60 closed at once");
    // New connections get through as soon as the silent ones are gone.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let r = s.http().get(format!("{}/health", s.endpoint)).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn unsupported_content_types_and_header_floods_answer_in_the_aws_shape() {
    let s = server().await;
    let r = s
        .http()
        .post(format!("{}/", s.endpoint))
        .header("x-amz-target", "AWSCognitoIdentityProviderService.ListUserPools")
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["__type"], "UnsupportedMediaTypeException");
    let mut req = s
        .http()
        .post(format!("{}/", s.endpoint))
        .header("x-amz-target", "AWSCognitoIdentityProviderService.ListUserPools")
        .header("content-type", "application/x-amz-json-1.1");
    for i in 0..120 {
        req = req.header(format!("x-extra-{i}"), "1");
    }
    let r = req.body("{}").send().await.unwrap();
    assert_eq!(r.status(), 431);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["__type"], "RequestHeaderFieldsTooLarge");
}

/// Signs a POST with only `host` and `x-amz-date` covered, as the probe's replay did.
fn sign_host_and_date_only(host: &str, amz_date: &str, body: &[u8]) -> String {
    let mut h = http::HeaderMap::new();
    h.insert("host", host.parse().unwrap());
    h.insert("x-amz-date", amz_date.parse().unwrap());
    let names = ["host", "x-amz-date"];
    let req = cognate_sigv4::Request { method: "POST", path: "/", query: "", headers: &h, body };
    let creq = cognate_sigv4::canonical_request(&req, &names, &cognate_sigv4::sha256_hex(body)).unwrap();
    let scope = format!("{}/us-east-1/cognito-idp/aws4_request", &amz_date[..8]);
    let sts = cognate_sigv4::string_to_sign(amz_date, &scope, &creq);
    let sig = cognate_sigv4::signature(cognate_testkit::SECRET_KEY, &amz_date[..8], "us-east-1", "cognito-idp", &sts);
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders=host;x-amz-date, Signature={sig}",
        cognate_testkit::ACCESS_KEY
    )
}

#[tokio::test]
async fn a_signature_must_cover_the_target() {
    let s = server().await;
    let c = s.client();
    let pool = pool(&c).await;
    c.admin_create_user().user_pool_id(&pool).username("victim").send().await.unwrap();
    let body = json!({"UserPoolId": pool, "Username": "victim"}).to_string();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let amz_date = cognate_sigv4::format_amz_date(now);
    let auth = sign_host_and_date_only(&addr(&s), &amz_date, body.as_bytes());
    // The captured request, replayed with another target.
    for target in ["AdminGetUser", "AdminDisableUser"] {
        let r = s
            .http()
            .post(format!("{}/", s.endpoint))
            .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{target}"))
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-date", &amz_date)
            .header("authorization", &auth)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{target}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["__type"], "IncompleteSignatureException", "{target}");
    }
    let u = c.admin_get_user().user_pool_id(&pool).username("victim").send().await.unwrap();
    assert!(u.enabled, "the replay disabled the user");
    // Two Authorization headers (a proxy reading the last one would disagree with us).
    let r = s
        .http()
        .post(format!("{}/", s.endpoint))
        .header("x-amz-target", "AWSCognitoIdentityProviderService.AdminGetUser")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-date", &amz_date)
        .header("authorization", &auth)
        .header("authorization", &auth)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

async fn sign_in(c: &idp::Client, client: &str, user: &str, password: &str) -> Result<(), String> {
    c.initiate_auth()
        .client_id(client)
        .auth_flow(idp::types::AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", user)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| format!("{}: {}", code(&e), message(&e)))
}

/// A pool with an app client that prevents user-existence errors (or not).
async fn prevention_pool(c: &idp::Client, prevent: bool) -> (String, String) {
    let pool = pool(c).await;
    let mode = if prevent {
        idp::types::PreventUserExistenceErrorTypes::Enabled
    } else {
        idp::types::PreventUserExistenceErrorTypes::Legacy
    };
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("app")
        .explicit_auth_flows(idp::types::ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(idp::types::ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(idp::types::ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .prevent_user_existence_errors(mode)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    (pool, client)
}

const LOCKED: &str = "NotAuthorizedException: Password attempts exceeded";
const INCORRECT: &str = "NotAuthorizedException: Incorrect username or password.";

#[tokio::test]
async fn attempts_during_a_lockout_do_not_extend_it_and_a_new_password_ends_it() {
    let s = server().await;
    let c = s.client();
    let (pool, client) = prevention_pool(&c, false).await;
    password_user(&c, &pool, "lou", "Passw0rd!", &[]).await;
    for _ in 0..5 {
        assert_eq!(sign_in(&c, &client, "lou", "Wrong-1a!").await.unwrap_err(), INCORRECT);
    }
    // Locked for a second; retrying (even with the right password) is refused, not counted.
    for _ in 0..4 {
        assert_eq!(sign_in(&c, &client, "lou", "Passw0rd!").await.unwrap_err(), LOCKED);
    }
    tokio::time::sleep(Duration::from_millis(1300)).await;
    sign_in(&c, &client, "lou", "Passw0rd!").await.expect("the lockout ended after its second");
    // Locked again; an administrator's new password ends it at once.
    for _ in 0..5 {
        let _ = sign_in(&c, &client, "lou", "Wrong-1a!").await;
    }
    assert_eq!(sign_in(&c, &client, "lou", "Passw0rd!").await.unwrap_err(), LOCKED);
    c.admin_set_user_password()
        .user_pool_id(&pool)
        .username("lou")
        .password("N3w-Passw0rd!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    sign_in(&c, &client, "lou", "N3w-Passw0rd!").await.expect("a new password ends the lockout");
}

#[tokio::test]
async fn sign_in_answers_do_not_tell_existing_users_apart() {
    let s = server().await;
    let c = s.client();
    let (pool, client) = prevention_pool(&c, true).await;
    password_user(&c, &pool, "dora", "Passw0rd!", &[]).await;
    password_user(&c, &pool, "reset", "Passw0rd!", &[("email", "reset@example.com"), ("email_verified", "true")]).await;
    c.admin_disable_user().user_pool_id(&pool).username("dora").send().await.unwrap();
    c.admin_reset_user_password().user_pool_id(&pool).username("reset").send().await.unwrap();
    // Disabled or reset-required: only the right password learns it.
    assert_eq!(sign_in(&c, &client, "dora", "Wrong-1a!").await.unwrap_err(), INCORRECT);
    assert_eq!(
        sign_in(&c, &client, "dora", "Passw0rd!").await.unwrap_err(),
        "NotAuthorizedException: User is disabled."
    );
    assert_eq!(sign_in(&c, &client, "reset", "Wrong-1a!").await.unwrap_err(), INCORRECT);
    assert!(sign_in(&c, &client, "reset", "Passw0rd!")
        .await
        .unwrap_err()
        .starts_with("PasswordResetRequiredException"));
    // An unknown name locks out like a known one.
    for _ in 0..5 {
        assert_eq!(sign_in(&c, &client, "nobody", "Wrong-1a!").await.unwrap_err(), INCORRECT);
    }
    assert_eq!(sign_in(&c, &client, "nobody", "Wrong-1a!").await.unwrap_err(), LOCKED);
    // SRP: an unknown name gets the same salt every time, like a real user.
    let n = num_bigint::BigUint::parse_bytes(cognate_testkit::srp_client::N.as_bytes(), 16).unwrap();
    let big_a = num_bigint::BigUint::from(2u32).modpow(&num_bigint::BigUint::from(123_456_789u64), &n).to_str_radix(16);
    let salt = |r: idp::operation::initiate_auth::InitiateAuthOutput| r.challenge_parameters.unwrap()["SALT"].clone();
    let start = |name: &'static str| {
        c.initiate_auth()
            .client_id(&client)
            .auth_flow(idp::types::AuthFlowType::UserSrpAuth)
            .auth_parameters("USERNAME", name)
            .auth_parameters("SRP_A", &big_a)
            .send()
    };
    assert_eq!(salt(start("somebody").await.unwrap()), salt(start("somebody").await.unwrap()));
    assert_ne!(salt(start("somebody").await.unwrap()), salt(start("someone").await.unwrap()));
}

#[tokio::test]
async fn recovery_answers_do_not_tell_existing_users_apart() {
    let s = server().await;
    let c = s.client();
    let (pool, client) = prevention_pool(&c, true).await;
    c.update_user_pool()
        .user_pool_id(&pool)
        .auto_verified_attributes(idp::types::VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap();
    password_user(&c, &pool, "carl", "Passw0rd!", &[("email", "carl@example.com"), ("email_verified", "true")]).await;
    password_user(&c, &pool, "dina", "Passw0rd!", &[("email", "dina@example.com"), ("email_verified", "true")]).await;
    c.admin_disable_user().user_pool_id(&pool).username("dina").send().await.unwrap();
    let forgot = |name: &'static str| c.forgot_password().client_id(&client).username(name).send();
    // Unknown and disabled users get a simulated delivery, the same each time, not a constant.
    let d1 = forgot("zed").await.unwrap().code_delivery_details.unwrap();
    let d2 = forgot("zed").await.unwrap().code_delivery_details.unwrap();
    let other = forgot("yan").await.unwrap().code_delivery_details.unwrap();
    assert_eq!(d1.destination, d2.destination);
    assert!(d1.destination.as_deref().unwrap().starts_with("z***@"), "{:?}", d1.destination);
    assert!(other.destination.as_deref().unwrap().starts_with("y***@"));
    // A disabled user gets no code, and an answer like anyone else's.
    let disabled = forgot("dina").await.unwrap().code_delivery_details.unwrap();
    assert!(disabled.destination.as_deref().unwrap().starts_with("d***@"));
    // Resending a confirmation code: a confirmed user is not told apart from an unknown one.
    let resend = c.resend_confirmation_code().client_id(&client).username("carl").send().await.unwrap();
    assert!(resend.code_delivery_details.is_some());
    // Confirmations: every user that cannot be confirmed gets the wrong-code answer.
    for name in ["carl", "zed"] {
        let e =
            c.confirm_sign_up().client_id(&client).username(name).confirmation_code("123456").send().await.unwrap_err();
        assert_eq!(code(&e), "CodeMismatchException", "{name}");
    }
    for name in ["dina", "zed"] {
        let e = c
            .confirm_forgot_password()
            .client_id(&client)
            .username(name)
            .confirmation_code("123456")
            .password("Passw0rd!x")
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "CodeMismatchException", "{name}");
        // The password policy is checked first for everyone.
        let e = c
            .confirm_forgot_password()
            .client_id(&client)
            .username(name)
            .confirmation_code("123456")
            .password("short")
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "InvalidPasswordException", "{name}");
    }
}
