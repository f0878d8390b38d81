//! CORS for browser clients (amazon-cognito-identity-js, Amplify): preflight and response headers.
//! Header lists: what the AWS SDK for JavaScript v3 and amazon-cognito-identity-js send
//! (`x-amz-target`, `x-amz-user-agent`, `amz-sdk-*`) and what they read back.

use http::header::{HeaderMap, HeaderValue};

const ALLOW_HEADERS: &str = "content-type, x-amz-target, x-amz-user-agent, cache-control, authorization, \
x-amz-date, x-amz-security-token, x-amz-content-sha256, amz-sdk-invocation-id, amz-sdk-request";
const EXPOSE_HEADERS: &str = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";

/// Adds the headers every response carries for browsers.
pub fn add_response_headers(headers: &mut HeaderMap) {
    headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    headers.insert("access-control-expose-headers", HeaderValue::from_static(EXPOSE_HEADERS));
}

/// The answer to an `OPTIONS` preflight.
pub fn preflight() -> http::Response<bytes::Bytes> {
    let mut resp = http::Response::new(bytes::Bytes::new());
    let h = resp.headers_mut();
    add_response_headers(h);
    h.insert("access-control-allow-methods", HeaderValue::from_static("POST, GET, OPTIONS"));
    h.insert("access-control-allow-headers", HeaderValue::from_static(ALLOW_HEADERS));
    h.insert("access-control-max-age", HeaderValue::from_static("86400"));
    resp
}
