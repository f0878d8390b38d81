//! What the JSON 1.1 APIs (`X-Amz-Target: {Prefix}.{Operation}`) share: claiming a request by
//! its target prefix, naming its operation, and reading and writing the typed shapes.

use cognate_aws_protocol::{split_target, WireError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

/// True when the request's `X-Amz-Target` has this prefix.
pub fn claims(head: &http::request::Parts, prefix: &str) -> bool {
    head.headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(split_target)
        .is_some_and(|(p, _)| p == prefix)
}

/// The operation a `POST` names in its target (`from_name` looks it up in the API's table);
/// `UnknownOperationException` otherwise.
pub fn operation<O>(head: &http::request::Parts, from_name: impl Fn(&str) -> Option<O>) -> Result<O, WireError> {
    let target = head.headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
    let unknown = || WireError::client("UnknownOperationException", format!("Unknown operation {target}."));
    if head.method != http::Method::POST {
        return Err(unknown());
    }
    split_target(target).and_then(|(_, name)| from_name(name)).ok_or_else(unknown)
}

/// A validated input map as its typed shape.
pub fn input<T: DeserializeOwned>(map: Map<String, Value>) -> Result<T, serde_json::Error> {
    serde_json::from_value(Value::Object(map))
}

/// A typed output as JSON.
pub fn output<T: Serialize>(out: T) -> Result<Value, serde_json::Error> {
    serde_json::to_value(out)
}

/// One shape's value as another shape with the same wire members.
pub fn reshape<A: Serialize, B: DeserializeOwned>(a: &A) -> Result<B, serde_json::Error> {
    serde_json::to_value(a).and_then(serde_json::from_value)
}
