//! The hosted UI and the OAuth 2.0 / OIDC endpoints, set up through the SDK (domain, resource
//! server, app client with OAuth settings) and driven like a browser without JavaScript
//! (cookies, forms, each redirect looked at) and like a relying party (token, userInfo,
//! revoke, logout). Chromium and openid-client drive the same flows in `tests/js`.

use crate::common::*;
use base64::Engine;
use cognate_testkit::browser::{Browser, Page};
use idp::types::*;
use serde_json::Value;
use sha2::Digest;

pub const CB: &str = "http://localhost:3000/cb";
pub const OUT: &str = "http://localhost:3000/bye";
const PASSWORD: &str = "Hosted-Passw0rd!";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K9uoc0wtn5aXl4Eq-x9iwdi7ZQf_3kR4o1q";

pub struct Fx {
    pub s: TestServer,
    pub c: idp::Client,
    pub pool: String,
    pub client: String,
    pub secret: Option<String>,
}

/// A pool with a domain and an OAuth client (`secret`: confidential).
pub async fn fx_with(s: TestServer, secret: bool, mfa: Option<UserPoolMfaType>) -> Fx {
    let c = s.client();
    let (pool, client, secret) = oauth_pool(&c, secret, mfa).await;
    Fx { s, c, pool, client, secret }
}

/// A pool (email auto-verified, optionally MFA with authenticator apps) with a domain and an
/// OAuth client; returns the pool, the client and its secret.
pub async fn oauth_pool(
    c: &idp::Client,
    secret: bool,
    mfa: Option<UserPoolMfaType>,
) -> (String, String, Option<String>) {
    oauth_pool_at(c, secret, mfa, CB, OUT).await
}

/// [`oauth_pool`] with these callback and sign-out URLs.
pub async fn oauth_pool_at(
    c: &idp::Client,
    secret: bool,
    mfa: Option<UserPoolMfaType>,
    cb: &str,
    out: &str,
) -> (String, String, Option<String>) {
    let req = c.create_user_pool().pool_name(unique("hosted")).auto_verified_attributes(VerifiedAttributeType::Email);
    let pool = req.send().await.unwrap().user_pool.unwrap().id.unwrap();
    if let Some(m) = mfa {
        c.set_user_pool_mfa_config()
            .user_pool_id(&pool)
            .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
            .mfa_configuration(m)
            .send()
            .await
            .unwrap();
    }
    c.create_user_pool_domain().user_pool_id(&pool).domain(unique("auth")).send().await.unwrap();
    let created = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("Hosted App")
        .generate_secret(secret)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_flows(OAuthFlowType::Implicit)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .allowed_o_auth_scopes("profile")
        .allowed_o_auth_scopes("aws.cognito.signin.user.admin")
        .callback_urls(cb)
        .logout_urls(out)
        .supported_identity_providers("COGNITO")
        .enable_token_revocation(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    (pool, created.client_id.unwrap(), created.client_secret)
}

fn s256(v: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(v.as_bytes()))
}

fn enc(v: &str) -> String {
    form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

impl Fx {
    pub fn authorize_url(&self, extra: &str) -> String {
        format!(
            "/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}&scope={}&state=st-1&nonce=n-1&code_challenge={}&code_challenge_method=S256{extra}",
            self.client,
            enc(CB),
            enc("openid email profile aws.cognito.signin.user.admin"),
            s256(VERIFIER)
        )
    }

    /// Signs in on the pages: authorize → login form → the callback's `Location`.
    pub async fn sign_in(&self, b: &mut Browser, user: &str, password: &str) -> Page {
        let login = b.open(&self.authorize_url("")).await;
        assert_eq!(login.status, 200, "{}", login.body);
        let form = login.form("/login");
        b.submit(&form, &[("username", user), ("password", password)]).await
    }

    pub async fn token(&self, fields: &[(&str, &str)]) -> (u16, Value, reqwest::header::HeaderMap) {
        let http = self.s.http();
        let mut req = http.post(format!("{}/oauth2/token", self.s.endpoint));
        if let Some(secret) = &self.secret {
            req = req.basic_auth(&self.client, Some(secret));
        }
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if self.secret.is_none() {
            all.push(("client_id", &self.client));
        }
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(all).finish();
        let resp = req.header("content-type", "application/x-www-form-urlencoded").body(body).send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        (status, resp.json().await.unwrap_or(Value::Null), headers)
    }
}

fn claims(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

#[tokio::test]
async fn code_flow_with_pkce_then_userinfo_refresh_revoke_and_logout() {
    let f = fx_with(server().await, true, None).await;
    password_user(&f.c, &f.pool, "alice", PASSWORD, &[("email", "alice@example.com"), ("email_verified", "true")])
        .await;
    let mut b = Browser::new(&f.s.endpoint);

    // The discovery document lists the endpoints once the pool has a domain.
    let d: Value =
        f.s.http()
            .get(format!("{}/{}/.well-known/openid-configuration", f.s.endpoint, f.pool))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(d["authorization_endpoint"], format!("{}/oauth2/authorize", f.s.endpoint));
    assert_eq!(d["code_challenge_methods_supported"], serde_json::json!(["S256"]));

    // A wrong password shows the form again with Cognito's message, and no code.
    let wrong = f.sign_in(&mut b, "alice", "nope-Nope-1").await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("Incorrect username or password."), "{}", wrong.body);

    let cb = f.sign_in(&mut b, "alice", PASSWORD).await;
    assert_eq!(cb.status, 302);
    let loc = cb.location.clone().unwrap();
    assert!(loc.starts_with(&format!("{CB}?code=")), "{loc}");
    assert_eq!(cb.location_param("state").as_deref(), Some("st-1"));
    let code = cb.location_param("code").unwrap();
    let session_cookie = cb
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("cognate_session_"))
        .unwrap();
    assert!(session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Lax"), "{session_cookie}");

    let (st, t, h) = f
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CB),
            ("code_verifier", VERIFIER),
        ])
        .await;
    assert_eq!(st, 200, "{t}");
    assert_eq!(h.get("cache-control").unwrap(), "no-store");
    assert_eq!(t["token_type"], "Bearer");
    let id = claims(t["id_token"].as_str().unwrap());
    assert_eq!(id["nonce"], "n-1");
    assert_eq!(id["aud"], f.client.as_str());
    assert!(id["at_hash"].is_string());
    assert_eq!(id["iss"], format!("{}/{}", f.s.endpoint, f.pool));
    let access = t["access_token"].as_str().unwrap().to_string();
    let scope = claims(&access)["scope"].as_str().unwrap().to_string();
    assert!(scope.contains("openid") && scope.contains("email"), "{scope}");
    // A code is good once; a replay also revokes what it gave (RFC 6749 §4.1.2).
    let code2 = b.get(&f.authorize_url("")).await.location_param("code").unwrap();
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code2.as_str()),
        ("redirect_uri", CB),
        ("code_verifier", VERIFIER),
    ];
    let (st, t2, _) = f.token(&exchange).await;
    assert_eq!(st, 200);
    let (st, e, _) = f.token(&exchange).await;
    assert_eq!((st, e["error"].as_str()), (400, Some("invalid_grant")), "a code is good once");
    assert!(f.c.get_user().access_token(t2["access_token"].as_str().unwrap()).send().await.is_err());
    // A wrong verifier gets nothing (and spends the code).
    let code3 = b.get(&f.authorize_url("")).await.location_param("code").unwrap();
    let (st, e, _) = f
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code3),
            ("redirect_uri", CB),
            ("code_verifier", &"x".repeat(43)),
        ])
        .await;
    assert_eq!((st, e["error"].as_str()), (400, Some("invalid_grant")), "{e}");
    let (st, _, _) = f
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code3),
            ("redirect_uri", CB),
            ("code_verifier", VERIFIER),
        ])
        .await;
    assert_eq!(st, 400);

    // userInfo, GET and POST.
    for post in [false, true] {
        let url = format!("{}/oauth2/userInfo", f.s.endpoint);
        let req = if post { f.s.http().post(url) } else { f.s.http().get(url) };
        let u: Value = req.bearer_auth(&access).send().await.unwrap().json().await.unwrap();
        assert_eq!(u["email"], "alice@example.com", "{u}");
        assert_eq!(u["username"], "alice");
        assert_eq!(u["sub"], id["sub"]);
    }
    let r = f.s.http().get(format!("{}/oauth2/userInfo", f.s.endpoint)).bearer_auth("garbage").send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));

    // The API accepts the hosted UI's access token (same keys, same revocation).
    let me = f.c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(me.username, "alice");

    // Refresh, then revoke: the refresh token and what it issued stop working.
    let refresh = t["refresh_token"].as_str().unwrap().to_string();
    let (st, r, _) = f.token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!(st, 200, "{r}");
    assert!(r["id_token"].is_string() && r["access_token"].is_string());
    let http = f.s.http();
    let resp = http
        .post(format!("{}/oauth2/revoke", f.s.endpoint))
        .basic_auth(&f.client, f.secret.as_ref())
        .form(&[("token", refresh.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (st, e, _) = f.token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!((st, e["error"].as_str()), (400, Some("invalid_grant")));
    assert!(f.c.get_user().access_token(&access).send().await.is_err(), "revoked with its refresh token");

    // The session cookie skips the login page; prompt=login does not.
    let again = b.get(&f.authorize_url("")).await;
    assert!(again.location.as_deref().unwrap().starts_with(&format!("{CB}?code=")), "{:?}", again.location);
    let forced = b.get(&f.authorize_url("&prompt=login")).await;
    assert!(forced.location.as_deref().unwrap().starts_with("/login?"));

    // Logout ends the session everywhere and goes to the sign-out URL.
    let copied = b.cookie("cognate_session_").unwrap().to_string();
    let out = b.get(&format!("/logout?client_id={}&logout_uri={}", f.client, enc(OUT))).await;
    assert_eq!(out.location.as_deref(), Some(OUT));
    let after = b.get(&f.authorize_url("")).await;
    assert!(after.location.as_deref().unwrap().starts_with("/login?"), "signed out");
    let mut thief = Browser::new(&f.s.endpoint);
    let r = thief.get(&f.authorize_url("&prompt=none")).await;
    assert_eq!(r.location_param("error").as_deref(), Some("login_required"));
    let _ = copied;
    // The other form: sign out and sign in again.
    let relogin =
        b.get(&format!("/logout?client_id={}&response_type=code&redirect_uri={}&state=r", f.client, enc(CB))).await;
    assert!(relogin.location.as_deref().unwrap_or("").starts_with("/login?"), "{:?}", relogin.location);
    let bad = b.get(&format!("/logout?client_id={}&logout_uri={}", f.client, enc("https://evil.example/"))).await;
    assert_eq!(bad.status, 400);
    assert!(bad.location.is_none());
}

#[tokio::test]
async fn client_credentials_with_resource_server_scopes() {
    let s = server().await;
    let c = s.client();
    let pool = c.create_user_pool().pool_name(unique("m2m")).send().await.unwrap().user_pool.unwrap().id.unwrap();
    c.create_user_pool_domain().user_pool_id(&pool).domain(unique("m2m")).send().await.unwrap();
    c.create_resource_server()
        .user_pool_id(&pool)
        .identifier("https://api.example.com")
        .name("API")
        .scopes(ResourceServerScopeType::builder().scope_name("read").scope_description("Read").build().unwrap())
        .scopes(ResourceServerScopeType::builder().scope_name("write").scope_description("Write").build().unwrap())
        .send()
        .await
        .unwrap();
    let listed = c.list_resource_servers().user_pool_id(&pool).max_results(10).send().await.unwrap();
    assert_eq!(listed.resource_servers.len(), 1);
    // Client credentials need a secret (Cognito's InvalidOAuthFlowException).
    let e = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("nosecret")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
        .allowed_o_auth_scopes("https://api.example.com/read")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidOAuthFlowException");
    let e = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("unknown-scope")
        .generate_secret(true)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
        .allowed_o_auth_scopes("https://api.example.com/delete")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ScopeDoesNotExistException");
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("service")
        .generate_secret(true)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
        .allowed_o_auth_scopes("https://api.example.com/read")
        .allowed_o_auth_scopes("https://api.example.com/write")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let (id, secret) = (client.client_id.unwrap(), client.client_secret.unwrap());
    let http = s.http();
    let url = format!("{}/oauth2/token", s.endpoint);
    // client_secret_post, one scope.
    let t: Value = http
        .post(&url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("scope", "https://api.example.com/read"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let at = claims(t["access_token"].as_str().unwrap());
    assert_eq!(at["scope"], "https://api.example.com/read");
    assert_eq!(at["client_id"], id.as_str());
    assert_eq!(at["token_use"], "access");
    assert!(t.get("id_token").is_none() && t.get("refresh_token").is_none());
    // client_secret_basic, every allowed scope.
    let t: Value = http
        .post(&url)
        .basic_auth(&id, Some(&secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let scope = claims(t["access_token"].as_str().unwrap())["scope"].as_str().unwrap().to_string();
    assert!(scope.contains("/read") && scope.contains("/write"), "{scope}");
    // A wrong secret: 401 invalid_client with WWW-Authenticate; a scope not allowed: invalid_scope.
    let r = http
        .post(&url)
        .basic_auth(&id, Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().contains_key("www-authenticate"));
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_client");
    let r = http
        .post(&url)
        .basic_auth(&id, Some(&secret))
        .form(&[("grant_type", "client_credentials"), ("scope", "openid")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_scope");
    // Describe, update and delete the resource server.
    c.update_resource_server()
        .user_pool_id(&pool)
        .identifier("https://api.example.com")
        .name("API v2")
        .scopes(ResourceServerScopeType::builder().scope_name("read").scope_description("Read").build().unwrap())
        .send()
        .await
        .unwrap();
    let d =
        c.describe_resource_server().user_pool_id(&pool).identifier("https://api.example.com").send().await.unwrap();
    assert_eq!(d.resource_server.unwrap().name.as_deref(), Some("API v2"));
    c.delete_resource_server().user_pool_id(&pool).identifier("https://api.example.com").send().await.unwrap();
}

#[tokio::test]
async fn bad_requests_get_the_error_page_or_oauth_errors_and_the_server_keeps_serving() {
    let f = fx_with(server().await, false, None).await;
    let mut b = Browser::new(&f.s.endpoint);
    // An unknown client or a redirect URI not on the list: the error page, never a redirect.
    let p = b.get(&format!("/oauth2/authorize?response_type=code&client_id=nope&redirect_uri={}", enc(CB))).await;
    assert_eq!((p.status, p.location.is_none()), (400, true));
    let p = b
        .get(&format!(
            "/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}",
            f.client,
            enc("https://evil.example/cb")
        ))
        .await;
    assert_eq!((p.status, p.location.is_none()), (400, true));
    assert_eq!(p.headers.get("x-frame-options").unwrap(), "DENY");
    assert!(p.headers.get("content-security-policy").unwrap().to_str().unwrap().contains("frame-ancestors 'none'"));
    // After the redirect URI is trusted, errors go back to it with the state.
    let p = b
        .get(&format!(
            "/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}&state=s9&scope=phone",
            f.client,
            enc(CB)
        ))
        .await;
    assert_eq!(p.location_param("error").as_deref(), Some("invalid_scope"));
    assert_eq!(p.location_param("state").as_deref(), Some("s9"));
    let p = b.get(&format!("/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}&code_challenge=abc&code_challenge_method=plain", f.client, enc(CB))).await;
    assert_eq!(p.location_param("error").as_deref(), Some("invalid_request"));
    let p = b
        .get(&format!("/oauth2/authorize?response_type=id_token&client_id={}&redirect_uri={}", f.client, enc(CB)))
        .await;
    assert_eq!(p.location_param("error").as_deref(), Some("unsupported_response_type"));
    // The implicit flow answers in the fragment.
    password_user(&f.c, &f.pool, "ivy", PASSWORD, &[("email", "ivy@example.com")]).await;
    let login = b
        .open(&format!(
            "/oauth2/authorize?response_type=token&client_id={}&redirect_uri={}&scope=openid&state=i1",
            f.client,
            enc(CB)
        ))
        .await;
    let cb = b.submit(&login.form("/login"), &[("username", "ivy"), ("password", PASSWORD)]).await;
    let loc = cb.location.unwrap();
    assert!(loc.starts_with(&format!("{CB}#")) && loc.contains("access_token=") && loc.contains("state=i1"), "{loc}");
    assert!(!loc.contains("refresh_token"));

    let http = f.s.http();
    let base = &f.s.endpoint;
    // Garbage at the token endpoint: OAuth errors, never a 500.
    for (ct, body) in [
        ("application/json", "{\"grant_type\":\"authorization_code\"}".to_string()),
        ("application/x-www-form-urlencoded", "%%%&&&==".to_string()),
        ("application/x-www-form-urlencoded", "grant_type=password&username=a&password=b".to_string()),
        ("application/x-www-form-urlencoded", "grant_type=authorization_code&grant_type=refresh_token".to_string()),
        (
            "application/x-www-form-urlencoded",
            format!("grant_type=authorization_code&client_id={}&code=nope&redirect_uri=x", f.client),
        ),
        (
            "application/x-www-form-urlencoded",
            format!("grant_type=refresh_token&client_id={}&refresh_token={}", f.client, "a".repeat(5000)),
        ),
    ] {
        let r = http
            .post(format!("{base}/oauth2/token"))
            .header("content-type", ct)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let st = r.status().as_u16();
        assert!((400..500).contains(&st), "{body}: {st}");
        let v: Value = r.json().await.unwrap();
        assert!(v["error"].is_string(), "{body}: {v}");
    }
    // Wrong methods, a huge query, a body over the limit, a forged form without the CSRF token.
    assert_eq!(http.get(format!("{base}/oauth2/token")).send().await.unwrap().status(), 405);
    assert_eq!(http.delete(format!("{base}/login")).send().await.unwrap().status(), 405);
    let huge = format!("{base}/oauth2/authorize?client_id={}&state={}", f.client, "s".repeat(20_000));
    assert_eq!(http.get(huge).send().await.unwrap().status(), 414);
    let big = http
        .post(format!("{base}/oauth2/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 2 * 1024 * 1024])
        .send()
        .await;
    if let Ok(r) = big {
        assert_eq!(r.status(), 413);
    }
    let forged = http
        .post(format!("{base}/login?response_type=code&client_id={}&redirect_uri={}", f.client, enc(CB)))
        .form(&[("username", "ivy"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(http
        .get(format!("{base}/error?error=<script>"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .find("<script>")
        .is_none());
    assert_eq!(http.get(format!("{base}/health")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_pool_without_a_domain_serves_no_oauth() {
    let s = server().await;
    let c = s.client();
    let pool = c.create_user_pool().pool_name(unique("nodomain")).send().await.unwrap().user_pool.unwrap().id.unwrap();
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("web")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .callback_urls(CB)
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let mut b = Browser::new(&s.endpoint);
    let p = b.get(&format!("/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}", enc(CB))).await;
    assert_eq!((p.status, p.location.is_none()), (400, true));
    let d: Value = s
        .http()
        .get(format!("{}/{pool}/.well-known/openid-configuration", s.endpoint))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(d.get("authorization_endpoint").is_none());
}

#[tokio::test]
async fn admin_created_user_sets_a_password_then_an_authenticator_on_the_pages() {
    let f = fx_with(server().await, false, Some(UserPoolMfaType::On)).await;
    f.c.admin_create_user()
        .user_pool_id(&f.pool)
        .username("nina")
        .temporary_password("Temp-Passw0rd!")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let mut b = Browser::new(&f.s.endpoint);
    let page = f.sign_in(&mut b, "nina", "Temp-Passw0rd!").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let form = page.form("/mfa");
    assert_eq!(form.fields["challenge"], "NEW_PASSWORD_REQUIRED");
    let weak = b.submit(&form, &[("password", "short")]).await;
    assert_eq!(weak.status, 400, "the policy refuses it and the form comes back");
    let setup = b.submit(&weak.form("/mfa"), &[("password", PASSWORD)]).await;
    let form = setup.form("/mfa");
    assert_eq!(form.fields["challenge"], "MFA_SETUP", "{}", setup.body);
    assert!(setup.body.contains("<svg"), "a QR code");
    let secret = form.fields["secret"].clone();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let wrong = b.submit(&form, &[("code", "000000")]).await;
    assert_eq!(wrong.status, 400);
    let code = cognate_testkit::totp::code(&secret, now);
    let cb = b.submit(&wrong.form("/mfa"), &[("code", &code)]).await;
    assert!(cb.location.as_deref().unwrap_or("").starts_with(&format!("{CB}?code=")), "{:?} {}", cb.location, cb.body);

    // Next time: password, then the authenticator's code.
    b.clear();
    let page = f.sign_in(&mut b, "nina", PASSWORD).await;
    let form = page.form("/mfa");
    assert_eq!(form.fields["challenge"], "SOFTWARE_TOKEN_MFA");
    let next = cognate_testkit::totp::code(&secret, now + 30);
    tokio::time::sleep(std::time::Duration::from_secs(30 - now % 30)).await;
    let cb = b.submit(&form, &[("code", &next)]).await;
    assert!(cb.location.as_deref().unwrap_or("").starts_with(&format!("{CB}?code=")), "{:?} {}", cb.location, cb.body);
}

#[tokio::test]
async fn sign_up_confirm_and_reset_on_the_pages() {
    let smtp = cognate_testkit::SmtpSink::start().await;
    let s = TestServer::start_with(BIN, &[("COGNATE_SMTP_URL", &smtp.url), ("COGNATE_EMAIL_FROM", "auth@example.com")])
        .await;
    let f = fx_with(s, true, None).await;
    let mut b = Browser::new(&f.s.endpoint);
    let login = b.open(&format!("{}&lang=de", f.authorize_url(""))).await;
    assert!(login.body.contains("Anmelden"), "German from lang=de");
    let signup = b
        .get(&format!("/signup?{}", login.form("/login").action.split_once('?').unwrap().1.replace("&amp;", "&")))
        .await;
    let form = signup.form("/signup");
    assert!(form.fields.contains_key("email"), "the required email attribute is asked for");
    let confirm = b.submit(&form, &[("username", "sam"), ("password", PASSWORD), ("email", "sam@example.com")]).await;
    smtp.wait_for("sam@example.com", 1).await;
    // "Send a new code": the second form of the page.
    let resend = confirm.forms().into_iter().find(|f| f.fields.contains_key("resend")).expect("a resend form");
    let confirm = b.submit(&resend, &[]).await;
    assert!(confirm.text_of("class=\"info\"").is_some(), "{}", confirm.body);
    let form = confirm.form("/confirmUser");
    let mail = smtp.wait_for("sam@example.com", 2).await;
    let cb = b.submit(&form, &[("code", &mail.code().unwrap())]).await;
    assert!(
        cb.location.as_deref().unwrap_or("").starts_with(&format!("{CB}?code=")),
        "signed in after confirming: {:?} {}",
        cb.location,
        cb.body
    );

    // Forgot password: a code by email, a new password, then sign in with it.
    b.clear();
    let login = b.open(&f.authorize_url("")).await;
    let q = login.form("/login").action.split_once('?').unwrap().1.replace("&amp;", "&");
    let forgot = b.get(&format!("/forgotPassword?{q}")).await;
    let reset = b.submit(&forgot.form("/forgotPassword"), &[("username", "sam")]).await;
    let mail = smtp.wait_for("sam@example.com", 3).await;
    let done = b
        .submit(
            &reset.form("/confirmForgotPassword"),
            &[("code", &mail.code().unwrap()), ("new_password", "New-Hosted-Passw0rd!")],
        )
        .await;
    assert!(done.body.contains("name=\"password\""), "back on the sign-in form: {}", done.body);
    let cb = b.submit(&done.form("/login"), &[("username", "sam"), ("password", "New-Hosted-Passw0rd!")]).await;
    assert!(cb.location.as_deref().unwrap_or("").starts_with(&format!("{CB}?code=")));
}

#[tokio::test]
async fn domains_ui_customization_and_branding_through_the_sdk() {
    let f = fx_with(server().await, false, None).await;
    let c = &f.c;
    let dom = c.describe_user_pool().user_pool_id(&f.pool).send().await.unwrap().user_pool.unwrap().domain.unwrap();
    let d = c.describe_user_pool_domain().domain(&dom).send().await.unwrap().domain_description.unwrap();
    assert_eq!(d.user_pool_id.as_deref(), Some(f.pool.as_str()));
    assert_eq!(d.status, Some(DomainStatusType::Active));
    let e = c.create_user_pool_domain().user_pool_id(&f.pool).domain(&dom).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    // A logo and CSS with Cognito's classes; the page shows both.
    let png = base64::engine::general_purpose::STANDARD
        .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
        .unwrap();
    c.set_ui_customization()
        .user_pool_id(&f.pool)
        .client_id(&f.client)
        .css(".submitButton-customizable { background-color: rgb(1, 2, 3); }")
        .image_file(aws_smithy_types::Blob::new(png.clone()))
        .send()
        .await
        .unwrap();
    let got = c
        .get_ui_customization()
        .user_pool_id(&f.pool)
        .client_id(&f.client)
        .send()
        .await
        .unwrap()
        .ui_customization
        .unwrap();
    let url = got.image_url.unwrap();
    let mut b = Browser::new(&f.s.endpoint);
    let login = b.open(&f.authorize_url("")).await;
    assert!(login.body.contains("rgb(1, 2, 3)"));
    let logo = f.s.http().get(&url).send().await.unwrap();
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert_eq!(logo.bytes().await.unwrap().as_ref(), png.as_slice());
    // Managed login branding colours.
    let settings = aws_smithy_types::Document::Object(
        [("components".to_string(), serde_doc(serde_json::json!({"primaryButton": {"lightMode": {"defaults": {"backgroundColor": "aa0000ff", "textColor": "ffffffff"}}}})))]
            .into_iter()
            .collect(),
    );
    let br = c
        .create_managed_login_branding()
        .user_pool_id(&f.pool)
        .client_id(&f.client)
        .settings(settings)
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap();
    let by_client =
        c.describe_managed_login_branding_by_client().user_pool_id(&f.pool).client_id(&f.client).send().await.unwrap();
    assert_eq!(by_client.managed_login_branding.unwrap().managed_login_branding_id, br.managed_login_branding_id);
    let login = b.open(&f.authorize_url("")).await;
    assert!(login.body.contains("--primary:#aa0000ff"), "branding colour on the page");
    c.delete_managed_login_branding()
        .user_pool_id(&f.pool)
        .managed_login_branding_id(br.managed_login_branding_id.unwrap())
        .send()
        .await
        .unwrap();
    c.delete_user_pool_domain().user_pool_id(&f.pool).domain(&dom).send().await.unwrap();
    let p = b.get(&f.authorize_url("")).await;
    assert_eq!((p.status, p.location.is_none()), (400, true), "no domain, no OAuth");
}

fn serde_doc(v: Value) -> aws_smithy_types::Document {
    use aws_smithy_types::{Document, Number};
    match v {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(b),
        Value::Number(n) => Document::Number(Number::Float(n.as_f64().unwrap())),
        Value::String(s) => Document::String(s),
        Value::Array(a) => Document::Array(a.into_iter().map(serde_doc).collect()),
        Value::Object(o) => Document::Object(o.into_iter().map(|(k, v)| (k, serde_doc(v))).collect()),
    }
}

/// Runs a script of `tests/js` with node; its last output line is JSON.
async fn node(script: &str, args: &[&str]) -> Option<Value> {
    let dir = std::env::var("COGNATE_JS_CLIENT_DIR").ok()?;
    let path = std::path::Path::new(&dir).join(script);
    // Asynchronously: the test's runtime keeps draining the server's output meanwhile.
    let out = tokio::process::Command::new("node").arg(path).args(args).output().await.expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    Some(
        serde_json::from_str(line)
            .unwrap_or_else(|_| panic!("{script}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr))),
    )
}

#[tokio::test]
async fn a_person_in_chromium_signs_up_confirms_resets_and_sets_up_mfa() {
    if std::env::var("COGNATE_JS_CLIENT_DIR").is_err() {
        eprintln!("skipped: run ./scripts/test to install playwright-core and Chromium");
        return;
    }
    if cognate_testkit::on_postgres() {
        eprintln!("skipped on the PostgreSQL run: the browser test runs once, on SQLite");
        return;
    }
    let s = server().await;
    let c = s.client();
    let app = app_server().await;
    let (cb, out) = (format!("{app}/cb"), format!("{app}/bye"));
    let (_open_pool, open_client, _) = oauth_pool_at(&c, false, None, &cb, &out).await;
    let (mfa_pool, mfa_client, _) = oauth_pool_at(&c, false, Some(UserPoolMfaType::On), &cb, &out).await;
    c.admin_create_user()
        .user_pool_id(&mfa_pool)
        .username("nina")
        .temporary_password("Temp-Passw0rd!")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let cfg = serde_json::json!({
        "endpoint": s.endpoint,
        "outbox": s.data_dir.join("outbox.jsonl"),
        "callback": cb,
        "logout": out,
        "open": {"client": open_client},
        "mfa": {"client": mfa_client, "user": "nina", "temp": "Temp-Passw0rd!"},
    });
    let shots = std::env::var("COGNATE_SCREENSHOT_DIR").unwrap_or_default();
    let mut args = vec![cfg.to_string()];
    if !shots.is_empty() {
        args.push(shots);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = node("hosted-ui-browser.mjs", &args).await.unwrap();
    assert_eq!(r["ok"], true, "{r}");
}

/// The app a browser comes back to: answers every request with a small page.
pub async fn app_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut buf = [0u8; 8192];
                let _ = sock.read(&mut buf).await;
                let body = "<!doctype html><title>app</title><h1>Signed in</h1>";
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(format!("{head}{body}").as_bytes()).await;
            });
        }
    });
    format!("http://localhost:{}", addr.port())
}

#[tokio::test]
async fn openid_client_as_the_relying_party() {
    if std::env::var("COGNATE_JS_CLIENT_DIR").is_err() {
        eprintln!("skipped: run ./scripts/test to install openid-client");
        return;
    }
    let f = fx_with(server().await, true, None).await;
    password_user(&f.c, &f.pool, "olga", PASSWORD, &[("email", "olga@example.com"), ("email_verified", "true")]).await;
    let cfg = serde_json::json!({
        "endpoint": f.s.endpoint, "pool": f.pool, "client": f.client, "secret": f.secret,
        "user": "olga", "password": PASSWORD, "email": "olga@example.com", "callback": CB,
    });
    let r = node("oidc-rp.mjs", &[&cfg.to_string()]).await.unwrap();
    assert_eq!(r["ok"], true, "{r}");
    assert!(r["passed"].as_array().unwrap().len() >= 25, "{r}");
}

#[tokio::test]
async fn pages_hide_who_exists_and_share_the_apis_lockout() {
    let s = server().await;
    let c = s.client();
    let pool = c.create_user_pool().pool_name(unique("enum")).send().await.unwrap().user_pool.unwrap().id.unwrap();
    c.create_user_pool_domain().user_pool_id(&pool).domain(unique("enum")).send().await.unwrap();
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("web")
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .callback_urls(CB)
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    password_user(&c, &pool, "uma", PASSWORD, &[]).await;
    let mut b = Browser::new(&s.endpoint);
    let url = format!("/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&scope=openid", enc(CB));
    let unknown = attempt(&mut b, &url, "nobody", "Wrong-Passw0rd!").await;
    let wrong = attempt(&mut b, &url, "uma", "Wrong-Passw0rd!").await;
    assert_eq!(unknown, wrong, "an unknown user looks like a wrong password");
    // Five failures on the pages lock the user for the API too.
    for _ in 0..4 {
        attempt(&mut b, &url, "uma", "Wrong-Passw0rd!").await;
    }
    let e = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "uma")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(message(&e), "Password attempts exceeded");
}

/// A sign-in on the pages; the error shown.
async fn attempt(b: &mut Browser, url: &str, user: &str, pw: &str) -> String {
    let login = b.open(url).await;
    let page = b.submit(&login.form("/login"), &[("username", user), ("password", pw)]).await;
    page.text_of("errorMessage-customizable").unwrap_or_default()
}

#[tokio::test]
async fn choosing_a_factor_then_email_and_sms_codes_on_the_pages() {
    use cognate_testkit::{SmtpSink, WebhookSink};
    let smtp = SmtpSink::start().await;
    let hook = WebhookSink::start(200).await;
    let s = TestServer::start_with(
        BIN,
        &[
            ("COGNATE_SMTP_URL", &smtp.url),
            ("COGNATE_SMS_WEBHOOK_URL", &hook.url),
            ("COGNATE_EMAIL_FROM", "a@example.com"),
        ],
    )
    .await;
    let c = s.client();
    let (pool, client, _) = oauth_pool(&c, false, None).await;
    c.set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .mfa_configuration(UserPoolMfaType::Optional)
        .sms_mfa_configuration(SmsMfaConfigType::builder().sms_authentication_message("Your code: {####}").build())
        .email_mfa_configuration(EmailMfaConfigType::builder().message("Email code {####}").subject("Code").build())
        .send()
        .await
        .unwrap();
    let attrs = [
        ("email", "ema@example.com"),
        ("email_verified", "true"),
        ("phone_number", "+15550100"),
        ("phone_number_verified", "true"),
    ];
    password_user(&c, &pool, "ema", PASSWORD, &attrs).await;
    c.admin_set_user_mfa_preference()
        .user_pool_id(&pool)
        .username("ema")
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).build())
        .email_mfa_settings(EmailMfaSettingsType::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
    let f = Fx { s, c, pool, client, secret: None };
    for (n, choice) in [(1, "EMAIL_OTP"), (2, "SMS_MFA")] {
        let mut b = Browser::new(&f.s.endpoint);
        let select = f.sign_in(&mut b, "ema", PASSWORD).await;
        let form = select.form("/mfa");
        assert_eq!(form.fields["challenge"], "SELECT_MFA_TYPE", "{}", select.body);
        assert!(select.body.contains("value=\"EMAIL_OTP\"") && select.body.contains("value=\"SMS_MFA\""));
        let code_page = b.submit(&form, &[("answer", choice)]).await;
        let form = code_page.form("/mfa");
        assert_eq!(form.fields["challenge"], choice, "{}", code_page.body);
        let code = if choice == "EMAIL_OTP" {
            smtp.wait_for("ema@example.com", n).await.code().unwrap()
        } else {
            WebhookSink::code(&hook.wait_for("+15550100", 1).await)
        };
        let wrong = b.submit(&form, &[("code", "000000")]).await;
        assert_eq!(wrong.status, 400, "a wrong code shows the form again");
        let cb = b.submit(&wrong.form("/mfa"), &[("code", &code)]).await;
        assert!(
            cb.location.as_deref().unwrap_or("").starts_with(&format!("{CB}?code=")),
            "{choice}: {:?} {}",
            cb.location,
            cb.body
        );
    }
}
