//! The cognito-idp API (`AWSCognitoIdentityProviderService`): the table of all operations
//! ([`operation`]), model validation ([`validate`]), typed shapes ([`shapes`]), one exhaustive
//! dispatch ([`dispatch`]) and thin handlers per family ([`ops`]).

mod convert;
pub mod dispatch;
mod error;
pub mod operation;
mod ops;
pub mod shapes;
pub mod validate;

#[cfg(test)]
mod coverage;

pub use error::ApiError;
pub use operation::Operation;

use cognate_aws_protocol::WireError;
use cognate_core::{AdminCtx, Cognate};

/// The `X-Amz-Target` prefix of this API.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService";

/// Who is calling: a verified admin (SigV4) or the public (ops authorized by their tokens).
pub enum Auth {
    /// A SigV4-verified caller.
    Admin(AdminCtx),
    /// No SigV4 (the model's no-auth operations).
    Public,
}

/// The API: the service plus the compiled model.
pub struct IdpApi {
    svc: Cognate,
    validator: validate::Validator,
}

impl IdpApi {
    /// Compiles the model and wraps the service.
    pub fn new(svc: Cognate) -> Self {
        Self { svc, validator: validate::Validator::new() }
    }

    /// Handles one call: validate against the model, dispatch, serialize (`{}` for no output).
    pub async fn handle(&self, op: Operation, auth: Auth, body: &[u8]) -> Result<Vec<u8>, WireError> {
        let mut input = cognate_aws_protocol::parse_json_body(body)?;
        if let Some(shape) = op.input_shape() {
            self.validator.validate(shape, &mut input).map_err(|e| ApiError::Invalid(e).to_wire())?;
        }
        let out = dispatch::dispatch(&self.svc, op, &auth, input).await.map_err(|e| e.to_wire())?;
        Ok(serde_json::to_vec(&out).unwrap_or_else(|_| b"{}".to_vec()))
    }
}
