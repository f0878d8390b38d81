//! The hosted UI and the OAuth 2.0 / OIDC endpoints, set up through the SDK (domain, resource
//! server, app client with OAuth settings) and driven like a browser without JavaScript
//! (cookies, forms, each redirect looked at) and like a relying party (token, userInfo,
//! revoke, logout). Chromium and openid-client drive the same flows in `tests/js`.
//!
//! `oauth`: the endpoints and their error paths; `pages`: the page flows without JavaScript;
//! `admin`: domains, UI customization and branding; `tools`: Chromium and openid-client.

use crate::common::*;
use base64::Engine;
use cognate_testkit::browser::{Browser, Page};
use idp::types::*;
use serde_json::Value;
use sha2::Digest;

mod admin;
mod oauth;
mod pages;
pub(crate) mod tools;

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

pub(crate) fn s256(v: &str) -> String {
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

pub(crate) fn claims(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}
