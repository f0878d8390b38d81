//! AWS wire envelopes shared by every API Cognate speaks: the JSON 1.1 (`X-Amz-Target`) request
//! and response, the answers and errors of each [`Protocol`], request ids, CORS. No domain
//! knowledge lives here.

pub mod cors;
pub mod json11;
pub mod protocol;

pub use json11::{error_response, json_response, parse_json_body, split_target, WireError};
pub use protocol::{xml_escape, Protocol};

/// Content type of awsJson1_1 requests and responses.
pub const CONTENT_TYPE_JSON11: &str = "application/x-amz-json-1.1";

/// A fresh request id (UUID v4), sent back as `x-amzn-RequestId`.
pub fn new_request_id() -> String {
    // A version-4 UUID from the thread's userspace generator: an id needs to be unique, not
    // secret, and `Uuid::new_v4` made a getrandom system call per request.
    uuid::Builder::from_random_bytes(rand::random()).into_uuid().to_string()
}
