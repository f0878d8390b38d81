//! Each social preset signs a person in, in Chromium: Google, Facebook, Login with Amazon and
//! Sign in with Apple, each a local fake of its protocol with a login page
//! (tests/js/social-fake.mjs) that checks what Cognate sends it, reached through
//! `COGNATE_SOCIAL_ENDPOINTS_FILE`; the person types an account at the provider and lands in the
//! app with a code, which the app exchanges for tokens.

use crate::common::*;
use crate::federation::details;
use crate::federation_social::{app_client, browser_hops, id_claims, APPLE_TEAM_KEY, APPLE_TEAM_XY};
use crate::hosted::tools::{app_server, browser_tests_run, node, node_service};
use idp::types::*;
use std::collections::HashMap;

/// Starts tests/js/social-fake.mjs; its handle (the fake stops when it is dropped), its URL, and
/// the COGNATE_SOCIAL_ENDPOINTS_FILE that points the presets at it.
pub(crate) async fn social_fake() -> Option<(tokio::process::Child, String, tempfile::NamedTempFile)> {
    let cfg = serde_json::json!({
        "secrets": {"google": "g-secret", "facebook": "fb-secret", "amazon": "amzn-secret"},
        "apple": {"client_id": "com.example.web", "team_id": "TEAM123", "key_id": "KEY123",
                  "team_public_jwk": {"kty": "EC", "crv": "P-256", "x": APPLE_TEAM_XY.0, "y": APPLE_TEAM_XY.1}},
    });
    let (fake, ready) = node_service("social-fake.mjs", &cfg).await?;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), ready["endpoints_toml"].as_str().unwrap()).unwrap();
    Some((fake, ready["url"].as_str().unwrap().to_string(), file))
}

#[tokio::test]
async fn a_person_signs_in_with_each_social_provider_in_chromium() {
    if !browser_tests_run() {
        return;
    }
    let (_fake, _url, file) = social_fake().await.unwrap();
    let s = TestServer::start_with(BIN, &[("COGNATE_SOCIAL_ENDPOINTS_FILE", file.path().to_str().unwrap())]).await;
    let c = s.client();
    let pool = pool(&c).await;
    c.create_user_pool_domain().user_pool_id(&pool).domain(unique("social")).send().await.unwrap();
    let providers = [
        (
            "Google",
            IdentityProviderTypeType::Google,
            vec![("client_id", "g-app"), ("client_secret", "g-secret"), ("authorize_scopes", "openid email profile")],
        ),
        (
            "Facebook",
            IdentityProviderTypeType::Facebook,
            vec![("client_id", "fb-app"), ("client_secret", "fb-secret"), ("authorize_scopes", "public_profile email")],
        ),
        (
            "LoginWithAmazon",
            IdentityProviderTypeType::LoginWithAmazon,
            vec![("client_id", "amzn-app"), ("client_secret", "amzn-secret"), ("authorize_scopes", "profile")],
        ),
        (
            "SignInWithApple",
            IdentityProviderTypeType::SignInWithApple,
            vec![
                ("client_id", "com.example.web"),
                ("team_id", "TEAM123"),
                ("key_id", "KEY123"),
                ("private_key", APPLE_TEAM_KEY),
                ("authorize_scopes", "email name"),
            ],
        ),
    ];
    for (name, t, d) in providers {
        let mapping = if name == "SignInWithApple" { ("given_name", "firstName") } else { ("name", "name") };
        c.create_identity_provider()
            .user_pool_id(&pool)
            .provider_name(name)
            .provider_type(t)
            .set_provider_details(Some(details(&d)))
            .attribute_mapping("email", "email")
            .attribute_mapping(mapping.0, mapping.1)
            .send()
            .await
            .unwrap();
    }
    let cb = format!("{}/cb", app_server().await);
    let client = app_client(&c, &pool, &cb, &["Google", "Facebook", "LoginWithAmazon", "SignInWithApple"]).await;
    let http = browser_hops(&s);
    for (provider, account, username, email, extra) in [
        ("Google", "pat", "Google_1098765", "pat@gmail.example", ("name", "Pat Google")),
        ("Facebook", "fay", "Facebook_10001", "fay@facebook.example", ("name", "Fay Book")),
        ("LoginWithAmazon", "ann", "LoginWithAmazon_amzn1.account.AF", "ann@amazon.example", ("name", "Ann Zon")),
        (
            "SignInWithApple",
            "abe",
            "SignInWithApple_001234.apple",
            "abe@privaterelay.appleid.com",
            ("given_name", "Abe"),
        ),
    ] {
        let authorize = format!(
            "{}/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&scope=openid+email&identity_provider={provider}&state=st-{provider}",
            s.endpoint,
            form_urlencoded::byte_serialize(cb.as_bytes()).collect::<String>()
        );
        let cfg = serde_json::json!({"authorize_url": authorize, "callback": cb, "user": account});
        let r = node("social-browser.mjs", &[&cfg.to_string()]).await.unwrap();
        assert_eq!(r["ok"], true, "{provider}: {r}");
        let back = reqwest::Url::parse(r["callback_url"].as_str().unwrap()).unwrap();
        let q: HashMap<String, String> = back.query_pairs().into_owned().collect();
        assert_eq!(q.get("state").map(String::as_str), Some(format!("st-{provider}").as_str()), "{back}");
        let id = id_claims(&http, &s.endpoint, &client, &q["code"], &cb).await;
        assert_eq!(id["cognito:username"], username, "{provider}: {id}");
        assert_eq!(id["email"], email, "{provider}: {id}");
        assert_eq!(id[extra.0], extra.1, "{provider}: {id}");
        assert_eq!(id["identities"][0]["providerName"], provider);
    }
}
