//! The outbound HTTP a federated sign-in needs: the provider's token endpoint, its JWKS and its
//! userinfo endpoint. The server implements it (reqwest with rustls); core only sees JSON.

use async_trait::async_trait;
use serde_json::Value;

/// An HTTP answer: status and JSON body (`Value::Null` when the body is not JSON).
pub type Answer = Result<(u16, Value), String>;

/// Outbound HTTP calls to identity providers.
#[async_trait]
pub trait Outbound: Send + Sync {
    /// `GET url`, with a bearer token when given.
    async fn get(&self, url: &str, bearer: Option<&str>) -> Answer;
    /// `POST url` with a form body, HTTP Basic client authentication and a bearer token when
    /// given.
    async fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
        basic: Option<(&str, &str)>,
        bearer: Option<&str>,
    ) -> Answer;
    /// `GET url` for a document that is not JSON (SAML metadata): status and body text.
    async fn get_text(&self, url: &str) -> Result<(u16, String), String> {
        Err(format!("no outbound HTTP configured for {url}"))
    }
}

/// No outbound HTTP (unit tests): every call fails.
pub struct NoOutbound;

#[async_trait]
impl Outbound for NoOutbound {
    async fn get(&self, url: &str, _: Option<&str>) -> Answer {
        Err(format!("no outbound HTTP configured for {url}"))
    }
    async fn post_form(&self, url: &str, _: &[(&str, &str)], _: Option<(&str, &str)>, _: Option<&str>) -> Answer {
        Err(format!("no outbound HTTP configured for {url}"))
    }
}
