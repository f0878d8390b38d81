//! The Lambda Invoke API client that calls the pools' triggers:
//! `POST {COGNATE_LAMBDA_ENDPOINT}/2015-03-31/functions/{function, URL-encoded}/invocations`.
//! Connections are reused; a bounded number of calls are under way at once; the call is
//! SigV4-signed for service `lambda` when credentials are configured. The time limit and the
//! retries are the core's (`cognate_core::triggers`).

use async_trait::async_trait;
use cognate_core::triggers::{InvokeError, Invoker};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The largest answer read from a function (Lambda's own limit for a synchronous answer).
const MAX_ANSWER: usize = 6 * 1024 * 1024;

/// A reqwest-backed [`Invoker`].
pub struct LambdaInvoker {
    client: reqwest::Client,
    endpoint: String,
    region: String,
    credentials: Option<(String, String)>,
    slots: Arc<Semaphore>,
    timeout: Duration,
    by_name: bool,
}

impl LambdaInvoker {
    /// An invoker for `endpoint` (no trailing slash).
    pub fn new(
        endpoint: &str,
        region: &str,
        credentials: Option<(String, String)>,
        max_in_flight: usize,
        timeout_ms: u64,
    ) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_millis(timeout_ms.min(2_000)))
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(max_in_flight)
            .tcp_nodelay(true)
            .user_agent(concat!("cognate/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the Lambda client: {e}"))?;
        Ok(Self {
            client,
            endpoint: endpoint.to_string(),
            region: region.to_string(),
            credentials,
            slots: Arc::new(Semaphore::new(max_in_flight)),
            timeout: Duration::from_millis(timeout_ms),
            by_name: false,
        })
    }

    /// Calls functions by name (what follows `function:` in an ARN, without a qualifier) instead
    /// of by ARN: for endpoints that know functions only by name.
    pub fn by_name(mut self, on: bool) -> Self {
        self.by_name = on;
        self
    }

    /// The function's region: an ARN's, else the server's.
    fn region_of<'a>(&'a self, function: &'a str) -> &'a str {
        function
            .strip_prefix("arn:")
            .and_then(|r| r.split(':').nth(2))
            .filter(|r| !r.is_empty())
            .unwrap_or(&self.region)
    }
}

/// A function's name: `arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]` → `name`.
fn function_name(function: &str) -> &str {
    match function.split_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
        None => function,
    }
}

/// RFC 3986 unreserved characters stay; everything else is percent-encoded (a whole ARN is one
/// path segment).
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A failure whose detail (URLs, addresses) stays in the log: the client's message names only
/// the step that failed.
fn hidden(step: &str, detail: &dyn std::fmt::Display) -> InvokeError {
    tracing::warn!(target: "cognate::trigger", step, error = %detail, "Lambda call failed");
    InvokeError::Unreachable(format!("{step} failed"))
}

/// The `errorMessage` of a function error's payload (`{"errorMessage": …, "errorType": …}`).
fn error_message(body: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => match v.get("errorMessage").and_then(|m| m.as_str()) {
            Some(m) => m.to_string(),
            None => v.as_str().map(String::from).unwrap_or_else(|| v.to_string()),
        },
        Err(_) => String::from_utf8_lossy(body).chars().take(512).collect(),
    }
}

#[async_trait]
impl Invoker for LambdaInvoker {
    async fn invoke(&self, function: &str, payload: Vec<u8>) -> Result<Vec<u8>, InvokeError> {
        let _slot = match tokio::time::timeout(self.timeout, self.slots.clone().acquire_owned()).await {
            Ok(Ok(p)) => p,
            _ => return Err(InvokeError::Unreachable("too many trigger calls under way".into())),
        };
        let target = if self.by_name { function_name(function) } else { function };
        let path = format!("/2015-03-31/functions/{}/invocations", encode_segment(target));
        let url = format!("{}{path}", self.endpoint);
        let mut req = self.client.post(&url).header("content-type", "application/json").timeout(self.timeout);
        if let Some((key, secret)) = &self.credentials {
            let parsed = reqwest::Url::parse(&url).map_err(|e| hidden("the endpoint URL", &e))?;
            let host = match (parsed.host_str(), parsed.port()) {
                (Some(h), Some(p)) => format!("{h}:{p}"),
                (Some(h), None) => h.to_string(),
                _ => return Err(hidden("the endpoint URL", &"COGNATE_LAMBDA_ENDPOINT has no host")),
            };
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            let amz_date = cognate_sigv4::format_amz_date(now);
            let mut headers = http::HeaderMap::new();
            let value = |v: &str| http::HeaderValue::from_str(v).map_err(|e| hidden("a signed header", &e));
            headers.insert("host", value(&host)?);
            headers.insert("x-amz-date", value(&amz_date)?);
            headers.insert("content-type", value("application/json")?);
            let signed = cognate_sigv4::Request {
                method: "POST",
                path: parsed.path(),
                query: "",
                headers: &headers,
                body: &payload,
            };
            let auth = cognate_sigv4::authorize((key, secret), self.region_of(function), "lambda", &signed, &amz_date)
                .map_err(|e| hidden("the signature", &e))?;
            req = req.header("x-amz-date", amz_date).header("authorization", auth);
        }
        let resp = req.body(payload).send().await.map_err(|e| {
            if e.is_timeout() {
                InvokeError::Timeout
            } else if e.is_connect() {
                InvokeError::Unreachable("the endpoint refused the connection".into())
            } else {
                hidden("the call", &e)
            }
        })?;
        let status = resp.status().as_u16();
        let function_error = resp.headers().contains_key("x-amz-function-error");
        let mut resp = resp;
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_ANSWER {
                        return Err(InvokeError::Function("the function's answer is larger than 6 MB".into()));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => return Err(InvokeError::Timeout),
                Err(e) => return Err(hidden("reading the answer", &e)),
            }
        }
        if function_error {
            return Err(InvokeError::Function(error_message(&body)));
        }
        match status {
            200..=299 => Ok(body),
            // Throttled or a service error: Cognito retries these.
            429 | 500..=599 => Err(InvokeError::Unreachable(format!("the Lambda endpoint answered {status}"))),
            // The call itself was refused (no such function, not allowed): the invocation failed.
            _ => Err(InvokeError::Refused(format!("{} ({status})", error_type(&body)))),
        }
    }
}

/// The AWS error code of a refused call (`ResourceNotFoundException`, …), from the JSON body or
/// the `__type`.
fn error_type(body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    v.get("__type")
        .or_else(|| v.get("Type"))
        .or_else(|| v.get("code"))
        .and_then(|t| t.as_str())
        .map(|t| t.rsplit('#').next().unwrap_or(t).to_string())
        .unwrap_or_else(|| "the Lambda endpoint refused the call".into())
}

#[cfg(test)]
mod tests {
    #[test]
    fn arns_are_one_segment() {
        assert_eq!(
            super::encode_segment("arn:aws:lambda:us-east-1:123:function:f"),
            "arn%3Aaws%3Alambda%3Aus-east-1%3A123%3Afunction%3Af"
        );
        assert_eq!(super::encode_segment("my-fn_1"), "my-fn_1");
    }

    #[test]
    fn names_from_arns() {
        assert_eq!(super::function_name("arn:aws:lambda:us-east-1:1:function:migrate"), "migrate");
        assert_eq!(super::function_name("arn:aws:lambda:us-east-1:1:function:migrate:live"), "migrate");
        assert_eq!(super::function_name("migrate"), "migrate");
    }

    #[test]
    fn function_errors_give_their_message() {
        assert_eq!(super::error_message(br#"{"errorMessage":"Bad email","errorType":"Error"}"#), "Bad email");
        assert_eq!(super::error_message(b"plain"), "plain");
    }
}
