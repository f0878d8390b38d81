//! Signing in through an OpenID Connect provider, end to end: panva's oidc-provider as the
//! upstream (tests/js/oidc-upstream.mjs), a person in Chromium at its login page
//! (tests/js/federated-browser.mjs), Cognate between them; then the app's code exchange.

use crate::common::*;
use crate::federation::details;
use crate::hosted::tools::{app_server, browser_tests_run, node, node_service};
use crate::hosted::{claims, s256, VERIFIER};
use idp::types::*;
use serde_json::Value;
use std::collections::HashMap;

/// Starts the upstream provider; it stops when the handle is dropped.
async fn upstream(endpoint: &str) -> (tokio::process::Child, String) {
    let cfg = serde_json::json!({
        "client_id": "cognate-corp", "client_secret": "corp-secret",
        "redirect_uri": format!("{endpoint}/oauth2/idpresponse"),
    });
    let (child, ready) = node_service("oidc-upstream.mjs", &cfg).await.expect("the JS clients are installed");
    (child, ready["issuer"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_person_signs_in_through_an_oidc_provider_and_a_linked_identity_signs_in_as_its_user() {
    if !browser_tests_run() {
        return;
    }
    use cognate_testkit::lambda::{arn, respond, LambdaServer};
    let lambda = LambdaServer::start().await;
    let s = TestServer::start_with(BIN, &[("COGNATE_LAMBDA_ENDPOINT", &lambda.endpoint)]).await;
    let c = s.client();
    let (_upstream, issuer) = upstream(&s.endpoint).await;
    let cb = format!("{}/cb", app_server().await);
    let cb = cb.as_str();
    let pool = pool(&c).await;
    c.create_user_pool_domain().user_pool_id(&pool).domain(unique("fed")).send().await.unwrap();
    // Only the issuer: Cognate reads the rest from its discovery document.
    let details = details(&[
        ("client_id", "cognate-corp"),
        ("client_secret", "corp-secret"),
        ("attributes_request_method", "GET"),
        ("oidc_issuer", issuer.as_str()),
        ("authorize_scopes", "openid email profile"),
    ]);
    let corp = c
        .create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Corp")
        .provider_type(IdentityProviderTypeType::Oidc)
        .set_provider_details(Some(details))
        .attribute_mapping("email", "email")
        .attribute_mapping("email_verified", "email_verified")
        .attribute_mapping("name", "name")
        .idp_identifiers("corp.example")
        .send()
        .await
        .unwrap()
        .identity_provider
        .unwrap();
    let d = corp.provider_details.unwrap();
    assert_eq!(d["token_url"], format!("{issuer}/token"), "filled in from discovery: {d:?}");
    assert!(d["jwks_uri"].starts_with(&issuer));
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("Fed App")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .allowed_o_auth_scopes("profile")
        .callback_urls(cb)
        .supported_identity_providers("COGNITO")
        .supported_identity_providers("Corp")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let sign_in = |login: &'static str, idp: &'static str| {
        let (endpoint, client, http) = (s.endpoint.clone(), client.clone(), s.http());
        async move {
            // `button:Corp`: no provider in the request; the person clicks it on the page.
            let (named, button) = match idp.strip_prefix("button:") {
                Some(b) => (String::new(), Some(b)),
                None if idp.contains('.') => (format!("&idp_identifier={idp}"), None),
                None => (format!("&identity_provider={idp}"), None),
            };
            let authorize = format!(
                "{endpoint}/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&scope=openid+email+profile{named}&state=app-state&nonce=app-nonce&code_challenge={}&code_challenge_method=S256",
                form_urlencoded::byte_serialize(cb.as_bytes()).collect::<String>(),
                s256(VERIFIER)
            );
            let cfg = serde_json::json!({"authorize_url": authorize, "callback": cb, "login": login, "button": button});
            let r = node("federated-browser.mjs", &[&cfg.to_string()]).await.unwrap();
            assert_eq!(r["ok"], true, "{r}");
            let back = reqwest::Url::parse(r["callback_url"].as_str().unwrap()).unwrap();
            let q: HashMap<String, String> = back.query_pairs().into_owned().collect();
            assert_eq!(q.get("state").map(String::as_str), Some("app-state"));
            let t: Value = http
                .post(format!("{endpoint}/oauth2/token"))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("client_id", client.as_str()),
                    ("code", q["code"].as_str()),
                    ("redirect_uri", cb),
                    ("code_verifier", VERIFIER),
                ])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            claims(t["id_token"].as_str().unwrap_or_else(|| panic!("{t}")))
        }
    };

    // PreSignUp_ExternalProvider runs before the federated user is created.
    lambda.on(&arn("preSignUp"), |e| respond(e, serde_json::json!({ "autoVerifyEmail": true })));
    c.update_user_pool()
        .user_pool_id(&pool)
        .lambda_config(LambdaConfigType::builder().pre_sign_up(arn("preSignUp")).build())
        .send()
        .await
        .unwrap();

    // First sign-in: the federated user is created with the mapped attributes.
    let id = sign_in("alice-0001", "Corp").await;
    let e = lambda.events(&arn("preSignUp")).pop().expect("PreSignUp was called");
    assert_eq!(
        (e["triggerSource"].as_str(), e["userName"].as_str()),
        (Some("PreSignUp_ExternalProvider"), Some("Corp_alice-0001"))
    );
    assert_eq!(e["request"]["userAttributes"]["email"], "alice@corp.example");
    assert_eq!(id["cognito:username"], "Corp_alice-0001");
    assert_eq!(id["email"], "alice@corp.example");
    assert_eq!(id["name"], "Alice Corp");
    assert_eq!(id["nonce"], "app-nonce");
    assert_eq!(id["identities"][0]["providerName"], "Corp", "{id}");
    assert_eq!(id["identities"][0]["userId"], "alice-0001");
    let alice = c.admin_get_user().user_pool_id(&pool).username("Corp_alice-0001").send().await.unwrap();
    assert_eq!(alice.user_status, Some(UserStatusType::ExternalProvider));
    let identities = alice.user_attributes.unwrap().into_iter().find(|a| a.name == "identities").unwrap();
    assert!(identities.value.unwrap().contains("\"providerName\":\"Corp\""));
    // Second sign-in, by IdpIdentifier: the same user.
    let again = sign_in("alice-0001", "corp.example").await;
    assert_eq!(again["sub"], id["sub"]);
    assert_eq!(lambda.events(&arn("preSignUp")).len(), 1, "only a first sign-in signs up");

    // An identity linked to a native user signs in as that user (from the provider's button
    // on the sign-in page this time).
    c.admin_create_user().user_pool_id(&pool).username("robert").send().await.unwrap();
    c.admin_link_provider_for_user()
        .user_pool_id(&pool)
        .destination_user(
            ProviderUserIdentifierType::builder().provider_name("Cognito").provider_attribute_value("robert").build(),
        )
        .source_user(
            ProviderUserIdentifierType::builder()
                .provider_name("Corp")
                .provider_attribute_name("Cognito_Subject")
                .provider_attribute_value("bob-0002")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let bob = sign_in("bob-0002", "button:Corp").await;
    assert_eq!(bob["cognito:username"], "robert");
    assert_eq!(bob["identities"][0]["userId"], "bob-0002", "the linked identity is listed: {bob}");
    assert!(
        c.admin_get_user().user_pool_id(&pool).username("Corp_bob-0002").send().await.is_err(),
        "no federated user"
    );
}

#[tokio::test]
async fn idpresponse_refuses_what_it_did_not_start_with_4xx() {
    let s = server().await;
    let http = s.http();
    let sealed_elsewhere = "A".repeat(300);
    for (query, cookie) in [
        ("".to_string(), None),
        ("code=c".to_string(), None),
        ("error=access_denied&error_description=The+person+said+no".to_string(), None),
        (format!("code=c&state={sealed_elsewhere}"), None),
        (format!("code=c&state={sealed_elsewhere}"), Some("cognate_idp=abc")),
        ("code=c&state=%00%FF".to_string(), Some("cognate_idp=abc")),
    ] {
        let mut req = http.get(format!("{}/oauth2/idpresponse?{query}", s.endpoint));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body.contains("<html"), "an error page: {body}");
    }
    // POST (Sign in with Apple's form_post) needs a form with the same fields.
    let posted = http.post(format!("{}/oauth2/idpresponse", s.endpoint)).send().await.unwrap();
    assert_eq!(posted.status().as_u16(), 400);
    let posted = http
        .post(format!("{}/oauth2/idpresponse", s.endpoint))
        .form(&[("code", "c"), ("state", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status().as_u16(), 400);
    assert_eq!(http.put(format!("{}/oauth2/idpresponse", s.endpoint)).send().await.unwrap().status().as_u16(), 405);
}
