use cognate_store::StoreError;
use thiserror::Error;

/// Why a service call failed, in Cognito's terms. The API layer maps each to its wire error.
#[derive(Debug, Error)]
pub enum CoreError {
    /// A parameter is wrong (`InvalidParameterException`).
    #[error("{0}")]
    InvalidParameter(String),
    /// A pool, client, group or other resource is missing (`ResourceNotFoundException`).
    #[error("{0}")]
    ResourceNotFound(String),
    /// `UserNotFoundException: User does not exist.`
    #[error("User does not exist.")]
    UserNotFound,
    /// `UsernameExistsException`.
    #[error("{0}")]
    UsernameExists(String),
    /// `AliasExistsException`.
    #[error("{0}")]
    AliasExists(String),
    /// `GroupExistsException`.
    #[error("{0}")]
    GroupExists(String),
    /// `InvalidPasswordException`.
    #[error("{0}")]
    InvalidPassword(String),
    /// `NotAuthorizedException`.
    #[error("{0}")]
    NotAuthorized(String),
    /// `UnsupportedUserStateException`.
    #[error("{0}")]
    UnsupportedUserState(String),
    /// `LimitExceededException`.
    #[error("{0}")]
    LimitExceeded(String),
    /// `PasswordResetRequiredException`.
    #[error("{0}")]
    PasswordResetRequired(String),
    /// `UserNotConfirmedException`.
    #[error("{0}")]
    UserNotConfirmed(String),
    /// `RefreshTokenReuseException`.
    #[error("{0}")]
    RefreshTokenReuse(String),
    /// `CodeMismatchException`.
    #[error("{0}")]
    CodeMismatch(String),
    /// `ExpiredCodeException`.
    #[error("{0}")]
    ExpiredCode(String),
    /// `UnauthorizedException` (RevokeToken with a wrong client).
    #[error("{0}")]
    Unauthorized(String),
    /// `UnsupportedOperationException`.
    #[error("{0}")]
    UnsupportedOperation(String),
    /// `EnableSoftwareTokenMFAException` (VerifySoftwareToken with a wrong code).
    #[error("{0}")]
    EnableSoftwareTokenMfa(String),
    /// `SoftwareTokenMFANotFoundException`.
    #[error("{0}")]
    SoftwareTokenMfaNotFound(String),
    /// `DuplicateProviderException`.
    #[error("{0}")]
    DuplicateProvider(String),
    /// `ManagedLoginBrandingExistsException`.
    #[error("{0}")]
    ManagedLoginBrandingExists(String),
    /// `ScopeDoesNotExistException` (an app client names an OAuth scope nobody defined).
    #[error("{0}")]
    ScopeDoesNotExist(String),
    /// `InvalidOAuthFlowException` (an app client's OAuth flows do not fit together).
    #[error("{0}")]
    InvalidOAuthFlow(String),
    /// `CodeDeliveryFailureException`.
    #[error("{0}")]
    CodeDeliveryFailure(String),
    /// `ResourceConflictException` (cognito-identity: a login belongs to another identity).
    #[error("{0}")]
    ResourceConflict(String),
    /// `InvalidIdentityPoolConfigurationException` (no role for the identity).
    #[error("{0}")]
    InvalidIdentityPoolConfiguration(String),
    /// `DeveloperUserAlreadyRegisteredException`.
    #[error("{0}")]
    DeveloperUserAlreadyRegistered(String),
    /// `ExternalServiceException` (a login's provider could not be reached).
    #[error("{0}")]
    ExternalService(String),
    /// PreconditionNotMetException: the resource is not in a state that allows the call.
    #[error("{0}")]
    PreconditionNotMet(String),
    /// ConcurrentModificationException: another change of the same resource is under way.
    #[error("{0}")]
    ConcurrentModification(String),
    /// `UserLambdaValidationException`: a trigger's function failed.
    #[error("{0}")]
    UserLambdaValidation(String),
    /// `InvalidLambdaResponseException`: a trigger's answer is not what the trigger expects.
    #[error("{0}")]
    InvalidLambdaResponse(String),
    /// `UnexpectedLambdaException`: a trigger's function could not be called.
    #[error("{0}")]
    UnexpectedLambda(String),
    /// `OperationNotEnabledException`: the pool's configuration does not offer it (session
    /// tracking off).
    #[error("{0}")]
    OperationNotEnabled(String),
    /// A passkey ceremony failed: the `WebAuthn…Exception` named, and why.
    #[error("{1}")]
    WebAuthn(&'static str, String),
    /// `FeatureUnavailableInTierException`: the pool's feature plan (`UserPoolTier`) lacks it.
    #[error("{0}")]
    FeatureUnavailableInTier(String),
    /// `UserPoolAddOnNotEnabledException`: the pool's threat protection is off.
    #[error("{0}")]
    UserPoolAddOnNotEnabled(String),
    /// `DuplicateRequestException` (cognito-sync: a BulkPublish is running).
    #[error("{0}")]
    DuplicateRequest(String),
    /// `AlreadyStreamedException` (cognito-sync: a BulkPublish succeeded in the last day).
    #[error("{0}")]
    AlreadyStreamed(String),
    /// Something broke inside; logged with detail, answered without it.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Result alias for service calls.
pub type CoreResult<T> = Result<T, CoreError>;

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        CoreError::Internal(e.to_string())
    }
}

/// `ResourceNotFoundException` for a missing pool.
pub(crate) fn pool_not_found(id: &str) -> CoreError {
    CoreError::ResourceNotFound(format!("User pool {id} does not exist."))
}
