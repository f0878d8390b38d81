//! STS (awsQuery: a form body with `Action` and `Version`, XML answers in
//! `https://sts.amazonaws.com/doc/2011-06-15/`): the table of all 12 operations
//! ([`operation`]), the form read into named parameters, and the handlers of what identity
//! pools need ([`ops`]): AssumeRoleWithWebIdentity, GetCallerIdentity and AssumeRole. Every other
//! action answers `InvalidAction`. [`StsApi`] is its [`Api`] on the shared listener.

pub mod operation;
mod ops;
pub mod shapes;

pub use operation::Operation;

use async_trait::async_trait;
use cognate_api::{Api, Call, Protocol, Recognized, Reply, WireError};
use cognate_core::Cognate;

/// The XML namespace of STS answers.
pub const XMLNS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
/// The API version every request names.
pub const VERSION: &str = "2011-06-15";

/// The API.
pub struct StsApi {
    svc: Cognate,
}

impl StsApi {
    /// Wraps the service.
    pub fn new(svc: Cognate) -> Self {
        Self { svc }
    }
}

/// The form of a query-protocol request: the body, or the query string of a GET.
fn form(head: &http::request::Parts, body: &[u8]) -> Vec<(String, String)> {
    let raw: &[u8] = if head.method == http::Method::GET { head.uri.query().unwrap_or("").as_bytes() } else { body };
    form_urlencoded::parse(raw).into_owned().take(200).collect()
}

fn is_form(head: &http::request::Parts) -> bool {
    head.headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"))
}

#[async_trait]
impl Api for StsApi {
    fn name(&self) -> &'static str {
        "sts"
    }

    fn signing_service(&self) -> &'static str {
        "sts"
    }

    fn protocol(&self) -> Protocol {
        Protocol::AwsQuery { xmlns: XMLNS }
    }

    fn operations(&self) -> &'static [&'static str] {
        &Operation::NAMES
    }

    /// `POST /` with a form body and no `X-Amz-Target`, or `GET /?Action=…`.
    fn claims(&self, head: &http::request::Parts) -> bool {
        if head.uri.path() != "/" || head.headers.contains_key("x-amz-target") {
            return false;
        }
        match head.method {
            http::Method::POST => is_form(head),
            http::Method::GET => head.uri.query().is_some_and(|q| q.contains("Action=")),
            _ => false,
        }
    }

    fn operation(&self, head: &http::request::Parts, body: &[u8]) -> Result<Recognized, WireError> {
        let params = form(head, body);
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let action = get("Action").unwrap_or("");
        let op = Operation::from_name(action).ok_or_else(|| {
            WireError::client("InvalidAction", format!("Could not find operation {action} for version {VERSION}"))
        })?;
        if get("Version").is_some_and(|v| v != VERSION) {
            return Err(WireError::client(
                "InvalidAction",
                format!("Could not find operation {action} for version {}", get("Version").unwrap_or("")),
            ));
        }
        Ok(Recognized { index: op as usize, name: op.name(), auth: op.auth() })
    }

    async fn handle(&self, call: Call) -> Result<Reply, WireError> {
        let op = Operation::ALL[call.op];
        let params = form(&call.head, &call.body);
        ops::handle(&self.svc, op, &call, &params).await.map(String::into_bytes)
    }
}
