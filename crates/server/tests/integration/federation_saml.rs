//! Signing in through a SAML 2.0 IdP, end to end, against node `samlify` as the IdP
//! (tests/js/saml-idp.mjs: xml-crypto signatures, xml-encryption), which reads Cognate's SP
//! metadata: a person in Chromium (SP-initiated with a signed AuthnRequest, single logout, and
//! IdP-initiated), and every refusal over plain HTTP — each comes back to the app as an OAuth
//! error, never a code. What Cognate accepts, `xmlsec1 --verify` accepts too.

use crate::common::*;
use crate::federation::details;
use crate::hosted::tools::{app_server, browser_tests_run, node, node_service};
use crate::hosted::{claims, s256, VERIFIER};
use cognate_testkit::browser::Browser;
use idp::types::*;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// The test IdP; it stops when the handle is dropped.
struct Idp {
    _child: tokio::process::Child,
    url: String,
}

async fn saml_idp(endpoint: &str, pool: &str) -> Option<Idp> {
    let cfg = serde_json::json!({ "sp_metadata_url": format!("{endpoint}/saml2/metadata/{pool}") });
    let (child, ready) = node_service("saml-idp.mjs", &cfg).await?;
    Some(Idp { _child: child, url: ready["url"].as_str().unwrap().to_string() })
}

struct Setup {
    pool: String,
    client: String,
    idp: Idp,
    cb: String,
    out: String,
}

/// A pool with a domain, a `custom:groups` attribute, the SAML provider `CorpSAML` (metadata by
/// URL) and an app client that may use it.
async fn setup(s: &cognate_testkit::TestServer, provider: &[(&str, &str)]) -> Option<Setup> {
    let c = s.client();
    let pool = pool(&c).await;
    let idp = saml_idp(&s.endpoint, &pool).await?;
    let app = app_server().await;
    let (cb, out) = (format!("{app}/cb"), format!("{app}/bye"));
    c.create_user_pool_domain().user_pool_id(&pool).domain(unique("saml")).send().await.unwrap();
    let groups = SchemaAttributeType::builder()
        .name("groups")
        .attribute_data_type(AttributeDataType::String)
        .mutable(true)
        .build();
    c.add_custom_attributes().user_pool_id(&pool).custom_attributes(groups).send().await.unwrap();
    let metadata_url = format!("{}/metadata", idp.url);
    let mut d = vec![("MetadataURL", metadata_url.as_str())];
    d.extend_from_slice(provider);
    let created = c
        .create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("CorpSAML")
        .provider_type(IdentityProviderTypeType::Saml)
        .set_provider_details(Some(details(&d)))
        .attribute_mapping("email", "email")
        .attribute_mapping("given_name", "given_name")
        .attribute_mapping("custom:groups", "groups")
        .idp_identifiers("corp-saml.example")
        .send()
        .await
        .unwrap()
        .identity_provider
        .unwrap();
    let pd = created.provider_details.unwrap();
    assert_eq!(pd["SSORedirectBindingURI"], format!("{}/sso", idp.url), "read from the metadata: {pd:?}");
    assert_eq!(pd["SLORedirectBindingURI"], format!("{}/slo", idp.url));
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("SAML App")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .callback_urls(&cb)
        .logout_urls(&out)
        .supported_identity_providers("COGNITO")
        .supported_identity_providers("CorpSAML")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    Some(Setup { pool, client, idp, cb, out })
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl Setup {
    fn authorize_query(&self) -> String {
        format!(
            "response_type=code&client_id={}&redirect_uri={}&scope=openid+email&state=app-state&code_challenge={}&code_challenge_method=S256",
            self.client,
            enc(&self.cb),
            s256(VERIFIER)
        )
    }

    fn authorize_url(&self, endpoint: &str) -> String {
        format!("{endpoint}/oauth2/authorize?{}&identity_provider=CorpSAML", self.authorize_query())
    }

    /// The app's code exchange; the ID token's claims.
    async fn exchange(&self, s: &cognate_testkit::TestServer, callback: &str) -> Value {
        let back = reqwest::Url::parse(callback).unwrap();
        let q: HashMap<String, String> = back.query_pairs().into_owned().collect();
        assert_eq!(q.get("state").map(String::as_str), Some("app-state"), "{callback}");
        let code = q.get("code").unwrap_or_else(|| panic!("no code: {callback}"));
        let t: Value = s
            .http()
            .post(format!("{}/oauth2/token", s.endpoint))
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", self.client.as_str()),
                ("code", code),
                ("redirect_uri", self.cb.as_str()),
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
}

#[tokio::test]
async fn a_person_signs_in_through_a_saml_idp_signs_out_there_and_comes_back_from_its_side() {
    if !browser_tests_run() {
        return;
    }
    let s = server().await;
    let details = [("IDPSignout", "true"), ("RequestSigningAlgorithm", "rsa-sha256"), ("IDPInit", "true")];
    let Some(w) = setup(&s, &details).await else { return };
    let idp_init = format!(
        "{}/idp-init?user=bob&relay={}",
        w.idp.url,
        enc(&format!("{}&identity_provider=CorpSAML", w.authorize_query()))
    );
    let cfg = serde_json::json!({
        "authorize_url": w.authorize_url(&s.endpoint),
        "callback": w.cb,
        "logout_url": format!("{}/logout?client_id={}&logout_uri={}", s.endpoint, w.client, enc(&w.out)),
        "logged_out": w.out,
        "idp_init_url": idp_init,
        "slo_init_url": format!("{}/slo-init?user=bob", w.idp.url),
        "idp_slo": format!("{}/slo", w.idp.url),
        "plain_authorize_url": format!("{}/oauth2/authorize?{}", s.endpoint, w.authorize_query()),
        "user": "alice",
    });
    let r = node("saml-browser.mjs", &[&cfg.to_string()]).await.unwrap();
    assert_eq!(r["ok"], true, "{r}");

    let id = w.exchange(&s, r["callback_url"].as_str().unwrap()).await;
    assert_eq!(id["cognito:username"], "CorpSAML_alice", "{id}");
    assert_eq!(id["email"], "alice@corp.example");
    assert_eq!(id["given_name"], "Alice");
    assert_eq!(id["custom:groups"], "[staff, admins]", "a multi-valued attribute, as Cognito writes it");
    assert_eq!(id["identities"][0]["providerType"], "SAML");
    assert_eq!(id["identities"][0]["userId"], "alice");
    let alice = s.client().admin_get_user().user_pool_id(&w.pool).username("CorpSAML_alice").send().await.unwrap();
    assert_eq!(alice.user_status, Some(UserStatusType::ExternalProvider));

    // The IdP saw a signed AuthnRequest, then a signed LogoutRequest naming alice's session.
    let log: Value = s.http().get(format!("{}/log", w.idp.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(log["authnRequests"][0]["signed"], true, "{log}");
    assert_eq!(log["logoutRequests"][0]["signed"], true, "{log}");
    assert_eq!(log["logoutRequests"][0]["nameID"], "alice", "{log}");
    assert!(r["after_logout"].as_str().unwrap().starts_with(&w.out));

    // IdP-initiated: the RelayState is the app's authorization request.
    let bob = w.exchange(&s, r["idp_init_url"].as_str().unwrap()).await;
    assert_eq!(bob["cognito:username"], "CorpSAML_bob", "{bob}");
    assert_eq!(bob["custom:groups"], "staff");
    // The IdP's own LogoutRequest ended bob's hosted session and got a signed answer.
    let log: Value = s.http().get(format!("{}/log", w.idp.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(log["logoutResponses"][0]["signed"], true, "{log}");
    assert!(r["after_idp_logout"].as_str().unwrap().contains("/login"), "{r}");
}

/// One SP-initiated round over HTTP: the AuthnRequest from Cognate, the IdP's answer of
/// `variant`, posted back to the ACS. Returns the answer and the response the IdP wrote.
async fn round(
    s: &cognate_testkit::TestServer,
    w: &Setup,
    b: &mut Browser,
    variant: &str,
) -> (cognate_testkit::browser::Page, String) {
    let fields = crafted(s, w, b, variant).await;
    (b.post("/saml2/idpresponse", &fields).await, fields["SAMLResponse"].clone())
}

/// The AuthnRequest `b` is sent to the IdP with, and the IdP's answer of `variant`: the form
/// the IdP would post (SAMLResponse, RelayState).
async fn crafted(
    s: &cognate_testkit::TestServer,
    w: &Setup,
    b: &mut Browser,
    variant: &str,
) -> BTreeMap<String, String> {
    let to_idp = b.get(&w.authorize_url(&s.endpoint)).await;
    let location = to_idp.location.clone().unwrap_or_else(|| panic!("{to_idp:?}"));
    assert!(location.starts_with(&format!("{}/sso?SAMLRequest=", w.idp.url)), "{location}");
    let query = location.split_once('?').unwrap().1;
    let crafted: Value = s
        .http()
        .get(format!("{}/craft?{query}&user=alice&variant={variant}", w.idp.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    [
        ("SAMLResponse".to_string(), crafted["SAMLResponse"].as_str().unwrap().to_string()),
        ("RelayState".to_string(), crafted["RelayState"].as_str().unwrap().to_string()),
    ]
    .into()
}

fn app_error(page: &cognate_testkit::browser::Page, cb: &str) -> String {
    let loc = page.location.clone().unwrap_or_else(|| panic!("a redirect to the app: {page:?}"));
    assert!(loc.starts_with(cb), "{loc}");
    assert!(!loc.contains("code="), "never a code: {loc}");
    let q: HashMap<String, String> = reqwest::Url::parse(&loc).unwrap().query_pairs().into_owned().collect();
    assert_eq!(q.get("state").map(String::as_str), Some("app-state"));
    q.get("error").cloned().unwrap_or_default()
}

#[tokio::test]
async fn saml_responses_are_checked_and_each_refusal_comes_back_as_an_oauth_error() {
    let s = server().await;
    let Some(w) = setup(&s, &[]).await else {
        eprintln!("skipped: run ./scripts/test to install the test SAML IdP");
        return;
    };
    let mut b = Browser::new(&s.endpoint);
    // Accepted: the assertion signed, the Response signed, both.
    for variant in ["good", "response-signed", "both-signed"] {
        let (page, response) = round(&s, &w, &mut b, variant).await;
        let loc = page.location.clone().unwrap_or_default();
        assert!(loc.starts_with(&w.cb) && loc.contains("code="), "{variant}: {page:?}");
        xmlsec_agrees(&response);
        let id = w.exchange(&s, &loc).await;
        assert_eq!(id["cognito:username"], "CorpSAML_alice");
    }
    // Federated users are counted apart in the monthly active users (written off the path).
    let needle = format!("pool=\"{}\",", w.pool);
    let mut federated = String::new();
    for _ in 0..50 {
        let page = s.http().get(format!("{}/metrics", s.endpoint)).send().await.unwrap().text().await.unwrap();
        federated = page.lines().filter(|l| l.contains(&needle) && l.contains("kind=\"federated\"")).collect();
        if federated.ends_with(" 1") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(federated.ends_with(" 1"), "one federated user: {federated}");
    // Refused, back at the app with access_denied.
    for variant in ["unsigned", "evil-key", "audience", "expired", "recipient", "issuer", "wrong-request", "encrypted"]
    {
        let (page, _) = round(&s, &w, &mut b, variant).await;
        assert_eq!(app_error(&page, &w.cb), "access_denied", "{variant}");
    }
    // A replayed response: refused the second time (the assertion ID is claimed in the store).
    let (page, response) = round(&s, &w, &mut b, "good").await;
    assert!(page.location.clone().unwrap_or_default().contains("code="));
    let to_idp = b.get(&w.authorize_url(&s.endpoint)).await;
    let relay: HashMap<String, String> =
        reqwest::Url::parse(to_idp.location.as_deref().unwrap()).unwrap().query_pairs().into_owned().collect();
    let again: BTreeMap<String, String> =
        [("SAMLResponse".to_string(), response), ("RelayState".to_string(), relay["RelayState"].clone())].into();
    let replayed = b.post("/saml2/idpresponse", &again).await;
    assert_eq!(app_error(&replayed, &w.cb), "access_denied");
    // A good response carried into another browser (no binding cookie): the error page, no code.
    let mut other = Browser::new(&s.endpoint);
    let fields = crafted(&s, &w, &mut b, "good").await;
    let page = other.post("/saml2/idpresponse", &fields).await;
    assert_eq!(page.status, 400, "{page:?}");
    assert!(page.location.is_none());
    // IdP-initiated sign-in is refused unless the provider allows it.
    let relay = format!("{}&identity_provider=CorpSAML", w.authorize_query());
    let unsolicited: Value = s
        .http()
        .get(format!("{}/craft?user=alice&variant=good", w.idp.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let fields: BTreeMap<String, String> = [
        ("SAMLResponse".to_string(), unsolicited["SAMLResponse"].as_str().unwrap().to_string()),
        ("RelayState".to_string(), relay),
    ]
    .into();
    assert_eq!(app_error(&b.post("/saml2/idpresponse", &fields).await, &w.cb), "access_denied");

    // With EncryptedResponses the IdP encrypts to the pool's certificate (from the SP
    // metadata), and plain assertions are refused.
    let c = s.client();
    let updated = c
        .update_identity_provider()
        .user_pool_id(&w.pool)
        .provider_name("CorpSAML")
        .set_provider_details(Some(details(&[("EncryptedResponses", "true")])))
        .send()
        .await
        .unwrap();
    assert!(updated.identity_provider.unwrap().provider_details.unwrap().contains_key("ActiveEncryptionCertificate"));
    let (page, _) = round(&s, &w, &mut b, "encrypted").await;
    assert!(page.location.clone().unwrap_or_default().contains("code="), "{page:?}");
    let (page, _) = round(&s, &w, &mut b, "good").await;
    assert_eq!(app_error(&page, &w.cb), "access_denied");

    // The SP metadata and GetSigningCertificate name the same certificate.
    let metadata = s.http().get(format!("{}/saml2/metadata/{}", s.endpoint, w.pool)).send().await.unwrap();
    let metadata = metadata.text().await.unwrap();
    let cert = c.get_signing_certificate().user_pool_id(&w.pool).send().await.unwrap().certificate.unwrap();
    assert!(metadata.contains(&format!("entityID=\"urn:amazon:cognito:sp:{}\"", w.pool)));
    assert!(metadata.contains(&cert), "the signing certificate is published");
    let missing = c.get_signing_certificate().user_pool_id("us-east-1_nope").send().await.unwrap_err();
    assert_eq!(code(&missing), "ResourceNotFoundException");
}

/// `xmlsec1 --verify` (an independent verifier) accepts what Cognate accepted.
fn xmlsec_agrees(response_b64: &str) {
    use base64::Engine;
    if std::process::Command::new("xmlsec1").arg("--version").output().is_err() {
        eprintln!("xmlsec1 is not installed: the cross-check is skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let xml = base64::engine::general_purpose::STANDARD.decode(response_b64).unwrap();
    let file = dir.path().join("response.xml");
    std::fs::write(&file, xml).unwrap();
    let cert = std::path::Path::new(&std::env::var("COGNATE_JS_CLIENT_DIR").unwrap()).join("saml/idp-cert.pem");
    let out = std::process::Command::new("xmlsec1")
        .args(["--verify", "--trusted-pem"])
        .arg(cert)
        .args([
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:protocol:Response",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "xmlsec1: {}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn the_saml_endpoints_refuse_bad_input_with_4xx() {
    let s = server().await;
    let http = s.http();
    let acs = format!("{}/saml2/idpresponse", s.endpoint);
    for body in
        ["", "SAMLResponse=x", "RelayState=y", "SAMLResponse=%%%&RelayState=zz", "SAMLResponse=PHg%2B&RelayState=AAAA"]
    {
        let r = http
            .post(&acs)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16() / 100, 4, "{body}");
    }
    let r = http.post(&acs).body("SAMLResponse=x").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400, "not a form");
    for q in ["", "SAMLResponse=x&RelayState=y", "SAMLRequest=%%%", "SAMLRequest=AAAA"] {
        let r = http.get(format!("{}/saml2/logout?{q}", s.endpoint)).send().await.unwrap();
        assert_eq!(r.status().as_u16() / 100, 4, "{q}");
    }
    let r = http.get(format!("{}/saml2/metadata/us-east-1_nope", s.endpoint)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(http.get(format!("{}/health", s.endpoint)).send().await.unwrap().status().as_u16(), 200);
}
