//! The one mapping from failures to cognito-sync wire errors (restJson1: the type in
//! `x-amzn-ErrorType`, the status the model gives each error).

use cognate_api::validate::Invalid;
use cognate_aws_protocol::WireError;
use cognate_core::CoreError;

/// Everything a cognito-sync call can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// The service refused.
    Core(CoreError),
    /// The input broke the model.
    Invalid(Invalid),
    /// The input did not fit the typed shape.
    Serialization(String),
    /// The operation exists in the model but Cognate does not serve it yet.
    NotBuilt(&'static str),
    /// A handler was reached without the authority it needs (a bug; never a bypass).
    MissingAuthority,
    /// A principal without rights here (not an administrator for a developer operation; an
    /// assumed role's credentials).
    NotAuthorized(String),
    /// An envelope error (the body is not a JSON object).
    Wire(WireError),
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        ApiError::Core(e)
    }
}

fn wire(code: &'static str, message: String, status: u16) -> WireError {
    WireError { code, message, status }
}

impl ApiError {
    /// The wire form. Internal errors are logged with detail and answered without it.
    pub fn to_wire(&self) -> WireError {
        use CoreError as C;
        match self {
            ApiError::Wire(e) => e.clone(),
            ApiError::NotAuthorized(m) => wire("NotAuthorizedException", m.clone(), 403),
            ApiError::Invalid(Invalid::Constraints(m)) => wire("InvalidParameterException", m.clone(), 400),
            ApiError::Invalid(Invalid::Type(m)) | ApiError::Serialization(m) => {
                wire("InvalidParameterException", m.clone(), 400)
            }
            ApiError::NotBuilt(op) => wire(
                "InvalidConfigurationException",
                format!(
                    "Cognate does not serve {op} yet; the coverage table in its README lists the operations it serves."
                ),
                400,
            ),
            ApiError::MissingAuthority => {
                tracing::error!("sync handler reached without its authority");
                wire("InternalErrorException", "Internal server error.".into(), 500)
            }
            ApiError::Core(e) => match e {
                C::InvalidParameter(m) => wire("InvalidParameterException", m.clone(), 400),
                C::ResourceNotFound(m) => wire("ResourceNotFoundException", m.clone(), 404),
                C::NotAuthorized(m) => wire("NotAuthorizedException", m.clone(), 403),
                C::LimitExceeded(m) => wire("LimitExceededException", m.clone(), 400),
                C::ResourceConflict(m) => wire("ResourceConflictException", m.clone(), 409),
                C::ConcurrentModification(m) => wire("ConcurrentModificationException", m.clone(), 400),
                C::UserLambdaValidation(m) | C::InvalidLambdaResponse(m) => {
                    wire("InvalidLambdaFunctionOutputException", m.clone(), 400)
                }
                C::UnexpectedLambda(m) => wire("LambdaThrottledException", m.clone(), 429),
                C::DuplicateRequest(m) => wire("DuplicateRequestException", m.clone(), 400),
                C::AlreadyStreamed(m) => wire("AlreadyStreamedException", m.clone(), 400),
                C::Internal(detail) => {
                    tracing::error!(error = %detail, "internal error");
                    wire("InternalErrorException", "Internal server error.".into(), 500)
                }
                other => wire("InvalidParameterException", other.to_string(), 400),
            },
        }
    }
}
