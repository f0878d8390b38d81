//! Outbound HTTP to identity providers (token endpoints, JWKS, userinfo): reqwest with rustls,
//! short timeouts, no redirects followed, no idle connections kept, answers capped in size.

use async_trait::async_trait;
use cognate_core::federation::{Answer, Outbound};
use serde_json::Value;
use std::time::Duration;

/// The largest answer read from a provider.
const MAX_BODY: usize = 1024 * 1024;

/// reqwest-backed [`Outbound`].
pub struct HttpOutbound {
    client: reqwest::Client,
}

impl HttpOutbound {
    /// A client with 10-second timeouts that follows no redirects.
    pub fn new() -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            // Calls to a provider are minutes apart: a pooled connection would be stale by then
            // (servers close idle ones), and a POST on a stale connection is not retried.
            .pool_max_idle_per_host(0)
            .user_agent(concat!("cognate/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the outbound HTTP client: {e}"))?;
        Ok(Self { client })
    }
}

async fn answer(r: Result<reqwest::Response, reqwest::Error>) -> Answer {
    let (status, body) = read(r).await?;
    Ok((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
}

async fn read(r: Result<reqwest::Response, reqwest::Error>) -> Result<(u16, Vec<u8>), String> {
    let mut r = r.map_err(|e| e.to_string())?;
    let status = r.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = r.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err("the answer is larger than 1 MiB".into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, body))
}

#[async_trait]
impl Outbound for HttpOutbound {
    async fn get_text(&self, url: &str) -> Result<(u16, String), String> {
        let (status, body) = read(self.client.get(url).send().await).await?;
        Ok((status, String::from_utf8(body).map_err(|_| "the answer is not UTF-8 text".to_string())?))
    }

    async fn get(&self, url: &str, bearer: Option<&str>) -> Answer {
        let mut req = self.client.get(url).header("accept", "application/json");
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        answer(req.send().await).await
    }

    async fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
        basic: Option<(&str, &str)>,
        bearer: Option<&str>,
    ) -> Answer {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let mut req = self
            .client
            .post(url)
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some((id, secret)) = basic {
            // RFC 6749 §2.3.1: the id and secret are form-encoded before Basic.
            let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            req = req.basic_auth(enc(id), Some(enc(secret)));
        }
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        answer(req.send().await).await
    }
}
