//! The one mapping from failures to cognito-idp wire errors.

use crate::validate::Invalid;
use cognate_aws_protocol::WireError;
use cognate_core::CoreError;

/// Everything a cognito-idp call can fail with.
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

impl ApiError {
    /// The wire form. Internal errors are logged with detail and answered without it.
    pub fn to_wire(&self) -> WireError {
        use CoreError as C;
        let (code, message) = match self {
            ApiError::Wire(e) => return e.clone(),
            ApiError::AccessDenied(m) => ("AccessDeniedException", m.clone()),
            ApiError::Invalid(Invalid::Constraints(m)) => ("InvalidParameterException", m.clone()),
            ApiError::Invalid(Invalid::Type(m)) | ApiError::Serialization(m) => ("SerializationException", m.clone()),
            ApiError::NotBuilt(op) => (
                "UnsupportedOperationException",
                format!(
                    "Cognate does not serve {op} yet; the coverage table in its README lists the operations it serves."
                ),
            ),
            ApiError::MissingAuthority => {
                tracing::error!("admin handler reached without an admin context");
                return WireError {
                    code: "InternalErrorException",
                    message: "Internal server error.".into(),
                    status: 500,
                };
            }
            ApiError::Core(e) => match e {
                C::InvalidParameter(m) => ("InvalidParameterException", m.clone()),
                C::ResourceNotFound(m) => ("ResourceNotFoundException", m.clone()),
                C::UserNotFound => ("UserNotFoundException", e.to_string()),
                C::UsernameExists(m) => ("UsernameExistsException", m.clone()),
                C::AliasExists(m) => ("AliasExistsException", m.clone()),
                C::GroupExists(m) => ("GroupExistsException", m.clone()),
                C::InvalidPassword(m) => ("InvalidPasswordException", m.clone()),
                C::NotAuthorized(m) => ("NotAuthorizedException", m.clone()),
                C::UnsupportedUserState(m) => ("UnsupportedUserStateException", m.clone()),
                C::LimitExceeded(m) => ("LimitExceededException", m.clone()),
                C::PasswordResetRequired(m) => ("PasswordResetRequiredException", m.clone()),
                C::UserNotConfirmed(m) => ("UserNotConfirmedException", m.clone()),
                C::RefreshTokenReuse(m) => ("RefreshTokenReuseException", m.clone()),
                C::CodeMismatch(m) => ("CodeMismatchException", m.clone()),
                C::ExpiredCode(m) => ("ExpiredCodeException", m.clone()),
                C::Unauthorized(m) => ("UnauthorizedException", m.clone()),
                C::UnsupportedOperation(m) => ("UnsupportedOperationException", m.clone()),
                C::EnableSoftwareTokenMfa(m) => ("EnableSoftwareTokenMFAException", m.clone()),
                C::SoftwareTokenMfaNotFound(m) => ("SoftwareTokenMFANotFoundException", m.clone()),
                C::CodeDeliveryFailure(m) => ("CodeDeliveryFailureException", m.clone()),
                C::ManagedLoginBrandingExists(m) => ("ManagedLoginBrandingExistsException", m.clone()),
                C::DuplicateProvider(m) => ("DuplicateProviderException", m.clone()),
                C::ScopeDoesNotExist(m) => ("ScopeDoesNotExistException", m.clone()),
                C::InvalidOAuthFlow(m) => ("InvalidOAuthFlowException", m.clone()),
                C::PreconditionNotMet(m) => ("PreconditionNotMetException", m.clone()),
                C::UserLambdaValidation(m) => ("UserLambdaValidationException", m.clone()),
                C::InvalidLambdaResponse(m) => ("InvalidLambdaResponseException", m.clone()),
                C::UnexpectedLambda(m) => ("UnexpectedLambdaException", m.clone()),
                C::ConcurrentModification(m) => ("ConcurrentModificationException", m.clone()),
                C::OperationNotEnabled(m) => ("OperationNotEnabledException", m.clone()),
                C::WebAuthn(code, m) => (*code, m.clone()),
                C::FeatureUnavailableInTier(m) => ("FeatureUnavailableInTierException", m.clone()),
                C::UserPoolAddOnNotEnabled(m) => ("UserPoolAddOnNotEnabledException", m.clone()),
                // cognito-identity's and cognito-sync's; not reached from cognito-idp operations.
                C::ResourceConflict(m)
                | C::DuplicateRequest(m)
                | C::AlreadyStreamed(m)
                | C::InvalidIdentityPoolConfiguration(m)
                | C::DeveloperUserAlreadyRegistered(m)
                | C::ExternalService(m) => ("InvalidParameterException", m.clone()),
                C::Internal(detail) => {
                    tracing::error!(error = %detail, "internal error");
                    return WireError {
                        code: "InternalErrorException",
                        message: "Internal server error.".into(),
                        status: 500,
                    };
                }
            },
        };
        WireError::client(code, message)
    }
}
