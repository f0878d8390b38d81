//! The OAuth endpoints: the code flow end to end, client credentials, and every error path.

use super::*;

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
    // A wrong verifier gets nothing, and does not spend the code: whoever intercepted a code
    // without its verifier cannot make the app's own exchange fail.
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
    assert_eq!(st, 200);
    for verifier in [VERIFIER, "x".repeat(43).as_str()] {
        let (st, e, _) = f
            .token(&[
                ("grant_type", "authorization_code"),
                ("code", &code3),
                ("redirect_uri", CB),
                ("code_verifier", verifier),
            ])
            .await;
        assert_eq!((st, e["error"].as_str()), (400, Some("invalid_grant")), "spent: {e}");
    }

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
