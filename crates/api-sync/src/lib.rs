//! The cognito-sync API (restJson1): the table of all 17 operations with their routes and auth
//! kinds ([`operation`]), model validation (the shared validator on the vendored model), typed
//! shapes ([`shapes`]), one exhaustive dispatch ([`dispatch`]) and thin handlers per family
//! ([`ops`]). [`SyncApi`] is its [`Api`] on the shared listener: it claims `/identitypools…`,
//! names the operation from the method and the path, and builds the input from the path's
//! labels, the query string, the headers and the JSON body, as the model binds them.

pub mod dispatch;
mod error;
pub mod operation;
mod ops;
mod routes;
pub mod shapes;

#[cfg(test)]
mod coverage;

pub use error::ApiError;
pub use operation::Operation;

use async_trait::async_trait;
use cognate_api::validate::Validator;
use cognate_api::{Api, AuthKind, Call, Protocol, Recognized, Reply, WireError};
use cognate_core::sync::SyncCtx;
use cognate_core::{AdminCtx, Cognate};
use serde_json::Value;

/// The vendored model.
pub const MODEL: &str = include_str!("../model/cognito-sync.json");

/// What authorizes a call, once checked.
pub enum Authorized {
    /// The developer (SigV4 with an admin key): pool-wide operations.
    Admin(AdminCtx),
    /// Dataset operations: an identity's own, or the developer's for any.
    Sync(SyncCtx),
}

/// The API: the service, the compiled model and the routes.
pub struct SyncApi {
    svc: Cognate,
    validator: Validator,
    routes: routes::Routes,
}

/// The body limit of cognito-sync requests: a full dataset's UpdateRecords fits.
const MAX_BODY: usize = 4 * 1024 * 1024;

impl SyncApi {
    /// Compiles the model and wraps the service.
    pub fn new(svc: Cognate) -> Self {
        Self { svc, validator: Validator::new(MODEL), routes: routes::Routes::new(MODEL) }
    }

    fn authorize(&self, op: Operation, call: &Call) -> Result<Authorized, ApiError> {
        let principal = call.caller.principal().ok_or(ApiError::MissingAuthority)?;
        let cfg = self.svc.config();
        match op.auth() {
            AuthKind::Admin => AdminCtx::new(principal, &cfg.account_id).map(Authorized::Admin).map_err(|denied| {
                ApiError::NotAuthorized(format!(
                    "{} is not authorized to perform cognito-sync:{}: it is the developer's (an administrator key).",
                    denied.arn,
                    op.name()
                ))
            }),
            _ => SyncCtx::new(principal).map(Authorized::Sync).ok_or_else(|| {
                ApiError::NotAuthorized(format!(
                    "{} has no Cognito Sync access: use an identity's credentials or an administrator key.",
                    principal.arn(&cfg.account_id)
                ))
            }),
        }
    }

    async fn call(&self, call: Call) -> Result<Value, ApiError> {
        let op = Operation::ALL[call.op];
        let mut input = self.routes.input(op, &call.head, &call.body)?;
        let auth = self.authorize(op, &call)?;
        if let Some(shape) = op.input_shape() {
            self.validator.validate(shape, &mut input).map_err(ApiError::Invalid)?;
        }
        dispatch::dispatch(&self.svc, op, &auth, &call.request, input).await
    }
}

#[async_trait]
impl Api for SyncApi {
    fn name(&self) -> &'static str {
        "cognito-sync"
    }

    fn signing_service(&self) -> &'static str {
        "cognito-sync"
    }

    fn protocol(&self) -> Protocol {
        Protocol::RestJson1
    }

    fn operations(&self) -> &'static [&'static str] {
        &Operation::NAMES
    }

    fn claims(&self, head: &http::request::Parts) -> bool {
        let path = head.uri.path();
        path == "/identitypools" || path.starts_with("/identitypools/")
    }

    /// An UpdateRecords may carry a whole dataset (1 MB of records, more once escaped in JSON).
    fn max_body(&self, configured: usize) -> usize {
        configured.max(MAX_BODY)
    }

    fn operation(&self, head: &http::request::Parts, _body: &[u8]) -> Result<Recognized, WireError> {
        let op = self.routes.find(head.method.as_str(), head.uri.path()).ok_or_else(|| WireError {
            code: "UnknownOperationException",
            message: format!("No cognito-sync operation is {} {}.", head.method, head.uri.path()),
            status: 404,
        })?;
        Ok(Recognized { index: op as usize, name: op.name(), auth: op.auth() })
    }

    async fn handle(&self, call: Call) -> Result<Reply, WireError> {
        let out = self.call(call).await.map_err(|e| e.to_wire())?;
        Ok(serde_json::to_vec(&out).unwrap_or_else(|_| b"{}".to_vec()))
    }
}
