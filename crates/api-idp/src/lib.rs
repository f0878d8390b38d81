//! The cognito-idp API (`AWSCognitoIdentityProviderService`, awsJson1_1): the table of all
//! operations with their auth kinds ([`operation`]), model validation ([`validate`]), typed
//! shapes ([`shapes`]), one exhaustive dispatch ([`dispatch`]) and thin handlers per family
//! ([`ops`]). [`IdpApi`] is its [`Api`] on the shared listener.

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

use async_trait::async_trait;
use cognate_api::{Api, AuthKind, Call, Protocol, Recognized, Reply, WireError};
use cognate_core::{AdminCtx, Cognate, CoreError, UserCtx};
use serde_json::{Map, Value};

/// The `X-Amz-Target` prefix of this API.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService";

/// What authorizes a call, once checked: the context its operation's auth kind asks for.
pub enum Authorized {
    /// An administrator (SigV4 with an admin key).
    Admin(AdminCtx),
    /// A user (a checked access token).
    User(UserCtx),
    /// Nothing to check before the handler.
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
        Self { svc, validator: validate::validator() }
    }

    /// The admin context of a signed call; `AccessDeniedException` for other principals, as
    /// AWS answers an IAM denial.
    fn admin_ctx(&self, op: Operation, call: &Call, input: &Map<String, Value>) -> Result<AdminCtx, ApiError> {
        let principal = call.caller.principal().ok_or(ApiError::MissingAuthority)?;
        let cfg = self.svc.config();
        AdminCtx::new(principal, &cfg.account_id).map_err(|denied| {
            let resource = match input.get("UserPoolId").and_then(Value::as_str) {
                Some(pool) => self.svc.pool_arn(pool),
                None => "*".to_string(),
            };
            ApiError::AccessDenied(format!(
                "User: {} is not authorized to perform: cognito-idp:{op} on resource: {resource} because no identity-based policy allows the cognito-idp:{op} action",
                denied.arn,
                op = op.name()
            ))
        })
    }

    /// The one access-token check of the user operations.
    fn user_ctx(&self, input: &Map<String, Value>) -> Result<UserCtx, ApiError> {
        let token = input
            .get("AccessToken")
            .and_then(Value::as_str)
            .ok_or_else(|| CoreError::NotAuthorized("Missing access token.".into()))?;
        Ok(self.svc.authenticate(token)?)
    }

    async fn call(&self, call: Call) -> Result<Vec<u8>, ApiError> {
        let op = Operation::ALL[call.op];
        let mut input = cognate_aws_protocol::parse_json_body(&call.body).map_err(ApiError::Wire)?;
        let admin = match op.auth() {
            AuthKind::Admin | AuthKind::Signed => Some(self.admin_ctx(op, &call, &input)?),
            AuthKind::User | AuthKind::Public => None,
        };
        if let Some(shape) = op.input_shape() {
            self.validator.validate(shape, &mut input).map_err(ApiError::Invalid)?;
        }
        let auth = match (admin, op.auth()) {
            (Some(ctx), _) => Authorized::Admin(ctx),
            (None, AuthKind::User) => Authorized::User(self.user_ctx(&input)?),
            (None, _) => Authorized::Public,
        };
        dispatch::dispatch(&self.svc, op, &auth, &call.request, input).await
    }
}

#[async_trait]
impl Api for IdpApi {
    fn name(&self) -> &'static str {
        "cognito-idp"
    }

    fn signing_service(&self) -> &'static str {
        "cognito-idp"
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
        self.call(call).await.map_err(|e| e.to_wire())
    }
}
