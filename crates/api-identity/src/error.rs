//! The one mapping from failures to cognito-identity wire errors.

use cognate_api::validate::Invalid;
use cognate_aws_protocol::WireError;
use cognate_core::CoreError;

/// Everything a cognito-identity call can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// The service refused.
    Core(CoreError),
    /// The input broke the model.
    Invalid(Invalid),
    /// The input did not fit the typed shape.
    Serialization(String),
    /// The server called an admin handler without an admin context (a bug; never a bypass).
    MissingAuthority,
    /// A principal that is not an administrator called an admin operation.
    AccessDenied(String),
    /// An envelope error (the body is not a JSON object).
    Wire(WireError),
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        ApiError::Core(e)
    }
}

fn internal() -> WireError {
    WireError { code: "InternalErrorException", message: "Internal server error.".into(), status: 500 }
}

impl ApiError {
    /// The wire form. Internal errors are logged with detail and answered without it.
    pub fn to_wire(&self) -> WireError {
        use CoreError as C;
        let (code, message) = match self {
            ApiError::Wire(e) => return e.clone(),
            ApiError::AccessDenied(m) => ("AccessDeniedException", m.clone()),
            ApiError::Invalid(Invalid::Constraints(m)) => ("InvalidParameterException", m.clone()),
            ApiError::Invalid(Invalid::Type(m)) | ApiError::Serialization(m) => ("SerializationException", m.clone()),
            ApiError::MissingAuthority => {
                tracing::error!("admin handler reached without an admin context");
                return internal();
            }
            ApiError::Core(e) => match e {
                C::InvalidParameter(m) => ("InvalidParameterException", m.clone()),
                C::ResourceNotFound(m) => ("ResourceNotFoundException", m.clone()),
                C::NotAuthorized(m) => ("NotAuthorizedException", m.clone()),
                C::LimitExceeded(m) => ("LimitExceededException", m.clone()),
                C::ResourceConflict(m) => ("ResourceConflictException", m.clone()),
                C::InvalidIdentityPoolConfiguration(m) => ("InvalidIdentityPoolConfigurationException", m.clone()),
                C::DeveloperUserAlreadyRegistered(m) => ("DeveloperUserAlreadyRegisteredException", m.clone()),
                C::ExternalService(m) => {
                    tracing::warn!(error = %m, "a login's provider could not be reached");
                    ("ExternalServiceException", "The login's identity provider could not be reached.".to_string())
                }
                C::Internal(detail) => {
                    tracing::error!(error = %detail, "internal error");
                    return internal();
                }
                // The user-pool errors are not reached from cognito-identity operations.
                other => ("InvalidParameterException", other.to_string()),
            },
        };
        WireError::client(code, message)
    }
}
