//! Thin handlers, one file per family: validate what the model cannot, call core, map back.

pub mod auth;
pub mod clients;
pub mod devices;
pub mod domains;
pub mod groups;
pub mod import_jobs;
pub mod me;
pub mod mfa;
pub mod pools;
pub mod providers;
pub mod recovery;
pub mod resource_servers;
pub mod security;
pub mod sessions;
pub mod signup;
pub mod users;

use crate::ApiError;
use serde::Serialize;

/// The `{}` output of operations without an output shape.
#[derive(Serialize)]
pub struct Empty {}

/// Handler result.
pub type Out<T> = Result<T, ApiError>;

/// A request that the typed conversion could not read (already validated, so rare).
pub fn ser(e: serde_json::Error) -> ApiError {
    // serde's text names internal types: log it, answer without it.
    tracing::info!(error = %e, "typed input conversion failed");
    ApiError::Serialization("The request body does not match the operation's input shape.".into())
}
