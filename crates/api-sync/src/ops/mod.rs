//! Thin handlers, one file per family: read the typed input, call core, map back.

pub mod dataset;
pub mod pool;
pub mod push;

use crate::ApiError;
use serde::Serialize;

/// The `{}` output of operations without an output shape.
#[derive(Serialize)]
pub struct Empty {}

/// Handler result.
pub type Out<T> = Result<T, ApiError>;

/// A request that the typed conversion could not read (already validated, so rare).
pub fn ser(e: serde_json::Error) -> ApiError {
    tracing::info!(error = %e, "typed input conversion failed");
    ApiError::Serialization("The request does not match the operation's input shape.".into())
}

/// Unix milliseconds as the epoch seconds the wire carries.
pub fn secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}
