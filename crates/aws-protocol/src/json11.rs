//! awsJson1_1: `POST /` with `X-Amz-Target: <Prefix>.<Operation>` and a JSON object body.
//! Errors carry `{"__type","message"}` in the body and `x-amzn-ErrorType`/`x-amzn-ErrorMessage`
//! headers, because botocore reads only the body and aws-sdk-rust/Amplify prefer the header
//! (smithy's awsJson1_1 protocol: the error type may come from either).

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Response, StatusCode};
use serde::Serialize;

use crate::CONTENT_TYPE_JSON11;

/// An error ready for the wire: the modeled shape name, its message, and the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    /// The exception shape name, e.g. `NotAuthorizedException`.
    pub code: &'static str,
    /// Human-readable message; clients match some of them exactly.
    pub message: String,
    /// 400 for client errors, 403 for some signature errors, 500 for internal errors.
    pub status: u16,
}

impl WireError {
    /// A 400 error.
    pub fn client(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), status: 400 }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    #[serde(rename = "__type")]
    kind: &'a str,
    message: &'a str,
}

/// Splits `Prefix.Operation` at the last dot.
pub fn split_target(target: &str) -> Option<(&str, &str)> {
    let (prefix, op) = target.rsplit_once('.')?;
    (!prefix.is_empty() && !op.is_empty()).then_some((prefix, op))
}

/// Parses a request body as a JSON object. An empty body counts as `{}` (botocore sends `{}`,
/// others may send nothing). Anything that is not a JSON object is a `SerializationException`.
pub fn parse_json_body(body: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, WireError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(WireError::client("SerializationException", "The request body must be a JSON object.")),
        Err(e) => {
            Err(WireError::client("SerializationException", format!("Could not parse the request body as JSON: {e}")))
        }
    }
}

fn base(status: StatusCode, request_id: &str, body: Bytes) -> Response<Bytes> {
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_JSON11));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-amzn-requestid", v);
    }
    crate::cors::add_response_headers(h);
    resp
}

/// A 200 response with a JSON body (`{}` when the operation has no output).
pub fn json_response(request_id: &str, body: Vec<u8>) -> Response<Bytes> {
    base(StatusCode::OK, request_id, Bytes::from(body))
}

/// Keeps a message usable as a header value: printable ASCII only.
fn header_safe(message: &str) -> HeaderValue {
    let cleaned: String =
        message.chars().take(1024).map(|c| if c == ' ' || c.is_ascii_graphic() { c } else { '?' }).collect();
    HeaderValue::from_str(&cleaned).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The error response: body `{"__type","message"}` plus the `x-amzn-Error*` headers.
pub fn error_response(request_id: &str, err: &WireError) -> Response<Bytes> {
    let body = serde_json::to_vec(&ErrorBody { kind: err.code, message: &err.message }).unwrap_or_default();
    let status = StatusCode::from_u16(err.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut resp = base(status, request_id, Bytes::from(body));
    let h = resp.headers_mut();
    h.insert("x-amzn-errortype", header_safe(&format!("{}:", err.code)));
    h.insert("x-amzn-errormessage", header_safe(&err.message));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_split() {
        assert_eq!(
            split_target("AWSCognitoIdentityProviderService.ListUsers"),
            Some(("AWSCognitoIdentityProviderService", "ListUsers"))
        );
        assert_eq!(split_target("NoDot"), None);
        assert_eq!(split_target("Prefix."), None);
    }

    #[test]
    fn bodies() {
        assert!(parse_json_body(b"").unwrap().is_empty());
        assert!(parse_json_body(b"  \n").unwrap().is_empty());
        assert_eq!(parse_json_body(b"{\"a\":1}").unwrap().len(), 1);
        assert_eq!(parse_json_body(b"[1]").unwrap_err().code, "SerializationException");
        assert_eq!(parse_json_body(b"{\"a\":").unwrap_err().code, "SerializationException");
    }

    #[test]
    fn error_shape() {
        let e = WireError::client("NotAuthorizedException", "Incorrect username or password.\nx");
        let r = error_response("rid", &e);
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()["x-amzn-errortype"], "NotAuthorizedException:");
        assert_eq!(r.headers()["x-amzn-errormessage"], "Incorrect username or password.?x");
        let v: serde_json::Value = serde_json::from_slice(r.body()).unwrap();
        assert_eq!(v["__type"], "NotAuthorizedException");
        assert_eq!(v["message"], "Incorrect username or password.\nx");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any bytes are a JSON object or a SerializationException, never a panic.
        #[test]
        fn any_body_is_an_object_or_a_serialization_error(body in proptest::collection::vec(any::<u8>(), 0..256)) {
            if let Err(e) = parse_json_body(&body) {
                prop_assert_eq!(e.code, "SerializationException");
                prop_assert!(e.message.len() < 512);
            }
        }

        /// JSON-looking text, nested brackets and all.
        #[test]
        fn json_like_text(body in "[\\{\\}\\[\\]\":,0-9a-zA-Z \\\\.eE+-]{0,128}") {
            let _ = parse_json_body(body.as_bytes());
        }

        /// Whatever a message holds, the error headers are valid header values.
        #[test]
        fn error_messages_fit_headers(message in ".{0,300}") {
            let r = error_response("rid", &WireError::client("InvalidParameterException", message));
            prop_assert!(r.headers()["x-amzn-errormessage"].to_str().is_ok());
        }
    }
}
