//! Signing in through Facebook (OAuth 2.0 and the Graph API's `/me`, no ID token) and Login with
//! Amazon (a POSTed token request, then `/user/profile`), with their public endpoints replaced
//! by a test double through `COGNATE_SOCIAL_ENDPOINTS_FILE`. The double plays the provider's
//! part of the exchange and checks what Cognate sends it.

use crate::common::*;
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
        let details: HashMap<String, String> =
            [("client_id", id), ("client_secret", secret), ("authorize_scopes", "profile email")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
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
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("Social App")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .callback_urls(cb)
        .supported_identity_providers("Facebook")
        .supported_identity_providers("LoginWithAmazon")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let _ = s.http(); // installs the TLS crypto provider the client below needs
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
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
            let t: Value = http
                .post(format!("{endpoint}/oauth2/token"))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("client_id", &client),
                    ("code", &q["code"]),
                    ("redirect_uri", cb),
                ])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            crate::hosted::claims(t["id_token"].as_str().unwrap_or_else(|| panic!("{t}")))
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
}
