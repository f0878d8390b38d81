//! The Cognate domain: identifiers, entities and enums. No I/O.
//!
//! Entities keep typed fields for everything the service interprets (Cognito's fixed values as
//! the enums of [`vocab`]), and an `extra` map for members that are only stored and echoed back.

pub mod client;
pub mod device;
pub mod federation;
pub mod group;
pub mod hosted;
pub mod identity;
pub mod ids;
pub mod net;
pub mod pool;
pub mod risk;
pub mod user;
pub mod vocab;

pub use client::{AppClient, ClientSecretEntry, ClientSettings, TokenValidity};
pub use device::Device;
pub use federation::{IdentityProvider, ProviderLink, ProviderType};
pub use group::Group;
pub use hosted::{ManagedLoginBranding, PoolDomain, ResourceServer, Scope, UiCustomization};
pub use identity::{CognitoProvider, Identity, IdentityPool, MappingRule, PrincipalTagMap, RoleMapping};
pub use ids::{ClientId, UserPoolId};
pub use pool::{
    AccountRecovery, LambdaConfig, PasswordPolicy, PoolMfa, PoolSettings, RecoveryOption, SchemaAttribute,
    SessionTracking, SmsConfiguration, UserPool, VerificationMessageTemplate, VersionedLambda, WebAuthnSettings,
};
pub use user::{User, UserMfa, UserStatus};
pub use vocab::{
    AuthFlow, ChallengeName, CodePurpose, DeliveryMedium, DeviceStatus, ExistenceErrors, ExplicitAuthFlow, MfaFactor,
    MfaMode, OAuthFlow, RecoveryMechanism,
};

/// Milliseconds since the Unix epoch: how the store keeps time.
pub type Millis = i64;

/// The current time in milliseconds since the Unix epoch.
pub fn now_millis() -> Millis {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
