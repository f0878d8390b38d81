//! The cognito-identity API (`AWSCognitoIdentityService`, awsJson1_1): the table of all 23
//! operations with their auth kinds ([`operation`]), model validation (the shared validator
//! on the vendored model), typed shapes ([`shapes`]), one exhaustive dispatch ([`dispatch`]) and
//! thin handlers per family ([`ops`]). [`IdentityApi`] is its [`Api`] on the shared listener.

pub mod dispatch;
mod error;
pub mod operation;
mod ops;
pub mod shapes;

#[cfg(test)]
mod coverage;

pub use error::ApiError;
pub use operation::Operation;

use async_trait::async_trait;
use cognate_api::validate::Validator;
use cognate_api::{Api, AuthKind, Call, Protocol, Recognized, Reply, WireError};
use cognate_core::{AdminCtx, Cognate};
use serde_json::{Map, Value};

/// The `X-Amz-Target` prefix of this API.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityService";
/// The vendored model.
pub const MODEL: &str = include_str!("../model/cognito-identity.json");

/// What authorizes a call, once checked.
pub enum Authorized {
    /// An administrator (SigV4 with an admin key).
    Admin(AdminCtx),
    /// The operation authorizes by what it carries (an identity and its logins).
    Public,
}

/// The API: the service plus the compiled model.
pub struct IdentityApi {
    svc: Cognate,
    validator: Validator,
}

impl IdentityApi {
    /// Compiles the model and wraps the service.
    pub fn new(svc: Cognate) -> Self {
        Self { svc, validator: Validator::new(MODEL) }
    }

    /// The admin context of a signed call; `AccessDeniedException` for other principals.
    fn admin_ctx(&self, op: Operation, call: &Call, input: &Map<String, Value>) -> Result<AdminCtx, ApiError> {
        let principal = call.caller.principal().ok_or(ApiError::MissingAuthority)?;
        let cfg = self.svc.config();
        AdminCtx::new(principal, &cfg.account_id).map_err(|denied| {
            let resource = match input.get("IdentityPoolId").and_then(Value::as_str) {
                Some(pool) => format!("arn:aws:cognito-identity:{}:{}:identitypool/{pool}", cfg.region, cfg.account_id),
                None => "*".to_string(),
            };
            ApiError::AccessDenied(format!(
                "User: {} is not authorized to perform: cognito-identity:{op} on resource: {resource} because no identity-based policy allows the cognito-identity:{op} action",
                denied.arn,
                op = op.name()
            ))
        })
    }

    async fn call(&self, call: Call) -> Result<Value, ApiError> {
        let op = Operation::ALL[call.op];
        let mut input = cognate_aws_protocol::parse_json_body(&call.body).map_err(ApiError::Wire)?;
        let auth = match op.auth() {
            AuthKind::Admin | AuthKind::Signed => Authorized::Admin(self.admin_ctx(op, &call, &input)?),
            AuthKind::User | AuthKind::Public => Authorized::Public,
        };
        if let Some(shape) = op.input_shape() {
            self.validator.validate(shape, &mut input).map_err(ApiError::Invalid)?;
        }
        dispatch::dispatch(&self.svc, op, &auth, &call.request, input).await
    }
}

#[async_trait]
impl Api for IdentityApi {
    fn name(&self) -> &'static str {
        "cognito-identity"
    }

    fn signing_service(&self) -> &'static str {
        "cognito-identity"
    }

    fn protocol(&self) -> Protocol {
        Protocol::AwsJson11
    }

    fn operations(&self) -> &'static [&'static str] {
        &Operation::NAMES
    }

    fn claims(&self, head: &http::request::Parts) -> bool {
        cognate_api::json_target::claims(head, TARGET_PREFIX)
    }

    fn operation(&self, head: &http::request::Parts, _body: &[u8]) -> Result<Recognized, WireError> {
        let op = cognate_api::json_target::operation(head, Operation::from_name)?;
        Ok(Recognized { index: op as usize, name: op.name(), auth: op.auth() })
    }

    async fn handle(&self, call: Call) -> Result<Reply, WireError> {
        let out = self.call(call).await.map_err(|e| e.to_wire())?;
        Ok(serde_json::to_vec(&out).unwrap_or_else(|_| b"{}".to_vec()))
    }
}
