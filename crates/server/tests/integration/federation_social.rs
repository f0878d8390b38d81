//! Signing in through Facebook (OAuth 2.0 and the Graph API's `/me`, no ID token) and Login with
//! Amazon (a POSTed token request, then `/user/profile`), with their public endpoints replaced
//! by a test double through `COGNATE_SOCIAL_ENDPOINTS_FILE`. The double plays the provider's
//! part of the exchange and checks what Cognate sends it.

use crate::common::*;
use crate::federation::details;
use idp::types::*;
use serde_json::Value;
use std::collections::HashMap;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A Facebook stand-in: the dialog answers at once with a code, the token endpoint (GET)
/// wants the app's secret and that code, `/me` wants the token and answers the fields asked.
async fn fake_facebook() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                let target = head.split(' ').nth(1).unwrap_or("/").to_string();
                let url = reqwest::Url::parse(&format!("http://x{target}")).unwrap();
                let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
                let (status, location, body) = match url.path() {
                    "/dialog/oauth" => {
                        let back = format!(
                            "{}?code=fb-code&state={}",
                            q["redirect_uri"],
                            form_urlencoded::byte_serialize(q["state"].as_bytes()).collect::<String>()
                        );
                        (302, Some(back), String::new())
                    }
                    "/oauth/access_token"
                        if q.get("client_secret").map(String::as_str) == Some("fb-secret")
                            && q.get("code").map(String::as_str) == Some("fb-code") =>
                    {
                        (200, None, r#"{"access_token":"fb-token","token_type":"bearer","expires_in":5183944}"#.into())
                    }
                    // Login with Amazon: the token endpoint takes a POSTed form.
                    "/auth/o2/token"
                        if head.starts_with("POST") && {
                            let body = head.split("\r\n\r\n").nth(1).unwrap_or("");
                            body.contains("client_secret=amzn-secret") && body.contains("code=fb-code")
                        } =>
                    {
                        (200, None, r#"{"access_token":"amzn-token","token_type":"bearer"}"#.into())
                    }
                    "/user/profile" if head.contains("Bearer amzn-token") => (
                        200,
                        None,
                        r#"{"user_id":"amzn1.account.AF","email":"ann@amazon.example","name":"Ann Zon"}"#.into(),
                    ),
                    "/me" if head.contains("Bearer fb-token") => {
                        let fields = q.get("fields").cloned().unwrap_or_default();
                        let mut me = serde_json::json!({"id": "10001"});
                        if fields.contains("email") {
                            me["email"] = "fay@facebook.example".into();
                        }
                        if fields.contains("name") {
                            me["name"] = "Fay Book".into();
                        }
                        (200, None, me.to_string())
                    }
                    _ => (400, None, r#"{"error":{"message":"bad request"}}"#.into()),
                };
                let mut resp =
                    format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\nconnection: close\r\n");
                if let Some(l) = location {
                    resp.push_str(&format!("location: {l}\r\n"));
                }
                resp.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    base
}

/// A public app client with the code flow and these identity providers.
pub(crate) async fn app_client(c: &idp::Client, pool: &str, cb: &str, providers: &[&str]) -> String {
    c.create_user_pool_client()
        .user_pool_id(pool)
        .client_name("Social App")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .callback_urls(cb)
        .set_supported_identity_providers(Some(providers.iter().map(|p| p.to_string()).collect()))
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}

/// An HTTP client that follows no redirect: the test takes the browser's hops one by one.
pub(crate) fn browser_hops(s: &TestServer) -> reqwest::Client {
    let _ = s.http(); // installs the TLS crypto provider the client below needs
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The app's code exchange (a public client): the ID token's claims.
pub(crate) async fn id_claims(http: &reqwest::Client, endpoint: &str, client: &str, code: &str, cb: &str) -> Value {
    let t: Value = http
        .post(format!("{endpoint}/oauth2/token"))
        .form(&[("grant_type", "authorization_code"), ("client_id", client), ("code", code), ("redirect_uri", cb)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    crate::hosted::claims(t["id_token"].as_str().unwrap_or_else(|| panic!("{t}")))
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn a_person_signs_in_with_facebook_and_with_amazon() {
    let fb = fake_facebook().await;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        file.path(),
        format!(
            "[Facebook]\nauthorize_url = \"{fb}/dialog/oauth\"\ntoken_url = \"{fb}/oauth/access_token\"\nattributes_url = \"{fb}/me?fields=\"\n\
             [LoginWithAmazon]\nauthorize_url = \"{fb}/dialog/oauth\"\ntoken_url = \"{fb}/auth/o2/token\"\nattributes_url = \"{fb}/user/profile\"\n"
        ),
    )
    .unwrap();
    let s = TestServer::start_with(BIN, &[("COGNATE_SOCIAL_ENDPOINTS_FILE", file.path().to_str().unwrap())]).await;
    let c = s.client();
    let pool = pool(&c).await;
    c.create_user_pool_domain().user_pool_id(&pool).domain(unique("fb")).send().await.unwrap();
    for (name, t, id, secret) in [
        ("Facebook", IdentityProviderTypeType::Facebook, "fb-app", "fb-secret"),
        ("LoginWithAmazon", IdentityProviderTypeType::LoginWithAmazon, "amzn-app", "amzn-secret"),
    ] {
        let details = details(&[("client_id", id), ("client_secret", secret), ("authorize_scopes", "profile email")]);
        c.create_identity_provider()
            .user_pool_id(&pool)
            .provider_name(name)
            .provider_type(t)
            .set_provider_details(Some(details))
            .attribute_mapping("email", "email")
            .attribute_mapping("name", "name")
            .send()
            .await
            .unwrap();
    }
    let d = c.describe_identity_provider().user_pool_id(&pool).provider_name("Facebook").send().await.unwrap();
    assert_eq!(d.identity_provider.unwrap().provider_details.unwrap()["token_url"], format!("{fb}/oauth/access_token"));
    let cb = "http://localhost:3000/cb";
    let client = app_client(&c, &pool, cb, &["Facebook", "LoginWithAmazon"]).await;
    let http = browser_hops(&s);
    let sign_in = |provider: &'static str, app_id: &'static str| {
        let (http, endpoint, client, fb) = (http.clone(), s.endpoint.clone(), client.clone(), fb.clone());
        async move {
            // The browser's hops, one by one, with its cookie.
            let r = http
                .get(format!(
                    "{endpoint}/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&scope=openid+email&identity_provider={provider}&state=s-1",
                    form_urlencoded::byte_serialize(cb.as_bytes()).collect::<String>()
                ))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 302);
            let to_provider = location(&r);
            assert!(to_provider.starts_with(&format!("{fb}/dialog/oauth?")), "{to_provider}");
            assert!(to_provider.contains(&format!("client_id={app_id}")) && !to_provider.contains("nonce="));
            let binding = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
            let back = location(&http.get(&to_provider).send().await.unwrap());
            // Without the browser's cookie the answer is refused; with it, the app gets its code.
            assert_eq!(http.get(&back).send().await.unwrap().status().as_u16(), 400);
            let r = http.get(&back).header("cookie", &binding).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 302);
            let app = reqwest::Url::parse(&location(&r)).unwrap();
            let q: HashMap<String, String> = app.query_pairs().into_owned().collect();
            assert_eq!(q["state"], "s-1");
            id_claims(&http, &endpoint, &client, &q["code"], cb).await
        }
    };
    let id = sign_in("Facebook", "fb-app").await;
    assert_eq!(id["cognito:username"], "Facebook_10001");
    assert_eq!(id["email"], "fay@facebook.example", "the mapped fields were asked of /me: {id}");
    assert_eq!(id["name"], "Fay Book");
    assert_eq!(id["identities"][0]["providerType"], "Facebook");
    let id = sign_in("LoginWithAmazon", "amzn-app").await;
    assert_eq!(id["cognito:username"], "LoginWithAmazon_amzn1.account.AF");
    assert_eq!(id["email"], "ann@amazon.example");

    // A person who cancels at the provider, and a provider that refuses the code: the app hears
    // of it at its redirect URI with an OAuth error and its state, and gets no code.
    let r = http
        .get(format!(
            "{}/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&scope=openid&identity_provider=Facebook&state=s-9",
            s.endpoint,
            form_urlencoded::byte_serialize(cb.as_bytes()).collect::<String>()
        ))
        .send()
        .await
        .unwrap();
    let binding = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let back = location(&http.get(location(&r)).send().await.unwrap());
    let state = reqwest::Url::parse(&back).unwrap().query_pairs().find(|(k, _)| k == "state").unwrap().1.to_string();
    let state = form_urlencoded::byte_serialize(state.as_bytes()).collect::<String>();
    for (query, want) in [
        (format!("error=access_denied&error_description=Permissions+error&state={state}"), "access_denied"),
        (format!("code=not-the-code&state={state}"), "server_error"),
    ] {
        let r = http
            .get(format!("{}/oauth2/idpresponse?{query}", s.endpoint))
            .header("cookie", &binding)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 302, "{query}");
        let app = reqwest::Url::parse(&location(&r)).unwrap();
        assert!(app.as_str().starts_with(cb), "{app}");
        let q: HashMap<String, String> = app.query_pairs().into_owned().collect();
        assert_eq!((q.get("error").map(String::as_str), q.get("state").map(String::as_str)), (Some(want), Some("s-9")));
        assert!(!q.contains_key("code"));
    }
}

/// The team's key of a Sign in with Apple test app (test-only, generated for this file).
pub(crate) const APPLE_TEAM_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZdgEQyTovCV3//YT
8TLdEpOIzygjDBs/ZNGf9yUwpFWhRANCAARfMdQis8PRsm6g4gXAuoocQ08iPBsR
Oyl5M23adeZBwyZ1rrK7N8R9LZDs5Uz4gi5nuGwaTcvHGdLzzPgaGeRb
-----END PRIVATE KEY-----";
/// Its public point (what Apple checks the client secret with).
pub(crate) const APPLE_TEAM_XY: (&str, &str) =
    ("XzHUIrPD0bJuoOIFwLqKHENPIjwbETspeTNt2nXmQcM", "JnWusrs3xH0tkOzlTPiCLme4bBpNy8cZ0vPM-BoZ5Fs");
/// The double's ID-token key (PKCS#8, base64) and its public point (its JWKS).
const APPLE_IDP_KEY: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgmt9wY4eImJKtVoW7Hpp6489T8PjzsmLNtwD4XCQIn3uhRANCAAQo8ro2VNdHExNlO3iKUSAWjtw1MYe32NE0/FBL5PSXJNPSVFoUNfwz0gE9j3JqAZ+CYnjhBKIax1ixpJG1Ih3L";
const APPLE_IDP_XY: (&str, &str) =
    ("KPK6NlTXRxMTZTt4ilEgFo7cNTGHt9jRNPxQS-T0lyQ", "09JUWhQ1_DPSAT2PcmoBn4JieOEEohrHWLGkkbUiHcs");

/// A Sign in with Apple stand-in: the token endpoint checks the client secret JWT (ES256 by the
/// team's key, for this client) and answers an ID token with the nonce it is told.
async fn fake_apple(nonce: std::sync::Arc<std::sync::Mutex<String>>) -> String {
    use base64::Engine;
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let nonce = nonce.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = head.split(' ').nth(1).unwrap_or("/").to_string();
                let body = head.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
                let form: HashMap<String, String> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
                let (status, out) = match path.as_str() {
                    "/auth/keys" => (
                        200,
                        serde_json::json!({"keys": [{"kty": "EC", "crv": "P-256", "kid": "apple-k1", "use": "sig", "alg": "ES256",
                            "x": APPLE_IDP_XY.0, "y": APPLE_IDP_XY.1}]})
                        .to_string(),
                    ),
                    "/auth/token" => {
                        let team = DecodingKey::from_ec_components(APPLE_TEAM_XY.0, APPLE_TEAM_XY.1).unwrap();
                        let mut v = Validation::new(Algorithm::ES256);
                        v.set_audience(&["https://appleid.apple.com"]);
                        v.set_issuer(&["TEAM123"]);
                        let secret = form.get("client_secret").map(String::as_str).unwrap_or("");
                        let ok = jsonwebtoken::decode::<Value>(secret, &team, &v)
                            .is_ok_and(|t| t.claims["sub"] == "com.example.web")
                            && jsonwebtoken::decode_header(secret).is_ok_and(|h| h.kid.as_deref() == Some("KEY123"))
                            && form.get("code").map(String::as_str) == Some("apple-code");
                        if ok {
                            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
                            let claims = serde_json::json!({
                                "iss": "https://appleid.apple.com", "aud": "com.example.web", "sub": "001234.apple",
                                "email": "ann@privaterelay.appleid.com", "email_verified": "true",
                                "nonce": nonce.lock().unwrap().clone(), "iat": now, "exp": now + 600,
                            });
                            let der = base64::engine::general_purpose::STANDARD.decode(APPLE_IDP_KEY).unwrap();
                            let header = Header { kid: Some("apple-k1".into()), ..Header::new(Algorithm::ES256) };
                            let id = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ec_der(&der)).unwrap();
                            (200, serde_json::json!({"access_token": "a", "token_type": "Bearer", "id_token": id}).to_string())
                        } else {
                            (400, r#"{"error":"invalid_client"}"#.to_string())
                        }
                    }
                    _ => (400, r#"{"error":"invalid_request"}"#.to_string()),
                };
                let resp = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{out}",
                    out.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    base
}

#[tokio::test]
async fn a_person_signs_in_with_apple_through_its_form_post() {
    let nonce = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let apple = fake_apple(nonce.clone()).await;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        file.path(),
        format!(
            "[SignInWithApple]\nauthorize_url = \"{apple}/auth/authorize\"\ntoken_url = \"{apple}/auth/token\"\njwks_uri = \"{apple}/auth/keys\"\n"
        ),
    )
    .unwrap();
    let s = TestServer::start_with(BIN, &[("COGNATE_SOCIAL_ENDPOINTS_FILE", file.path().to_str().unwrap())]).await;
    let c = s.client();
    let pool = pool(&c).await;
    c.create_user_pool_domain().user_pool_id(&pool).domain(unique("apple")).send().await.unwrap();
    let details = details(&[
        ("client_id", "com.example.web"),
        ("team_id", "TEAM123"),
        ("key_id", "KEY123"),
        ("private_key", APPLE_TEAM_KEY),
        ("authorize_scopes", "email name"),
    ]);
    c.create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("SignInWithApple")
        .provider_type(IdentityProviderTypeType::SignInWithApple)
        .set_provider_details(Some(details))
        .attribute_mapping("email", "email")
        .attribute_mapping("given_name", "firstName")
        .send()
        .await
        .unwrap();
    let cb = "http://localhost:3000/cb";
    let client = app_client(&c, &pool, cb, &["SignInWithApple"]).await;
    let http = browser_hops(&s);
    let r = http
        .get(format!(
            "{}/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&scope=openid+email&identity_provider=SignInWithApple&state=s-2",
            s.endpoint,
            form_urlencoded::byte_serialize(cb.as_bytes()).collect::<String>()
        ))
        .send()
        .await
        .unwrap();
    let to_apple = reqwest::Url::parse(&location(&r)).unwrap();
    let q: HashMap<String, String> = to_apple.query_pairs().into_owned().collect();
    assert_eq!(q["response_mode"], "form_post");
    assert!(!q.contains_key("code_challenge"), "Apple takes no PKCE");
    *nonce.lock().unwrap() = q["nonce"].clone();
    let binding = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    // Apple's page posts the answer back to Cognate, with the name on the first sign-in.
    let user = r#"{"name":{"firstName":"Ann","lastName":"Apple"},"email":"ann@privaterelay.appleid.com"}"#;
    let r = http
        .post(format!("{}/oauth2/idpresponse", s.endpoint))
        .header("cookie", &binding)
        .form(&[("code", "apple-code"), ("state", q["state"].as_str()), ("user", user)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 302);
    let app = reqwest::Url::parse(&location(&r)).unwrap();
    let back: HashMap<String, String> = app.query_pairs().into_owned().collect();
    assert_eq!(back["state"], "s-2");
    let id = id_claims(&http, &s.endpoint, &client, &back["code"], cb).await;
    assert_eq!(id["cognito:username"], "SignInWithApple_001234.apple");
    assert_eq!(id["email"], "ann@privaterelay.appleid.com");
    assert_eq!(id["given_name"], "Ann", "the name Apple posts once is mapped: {id}");
}
