//! Identity pools (cognito-identity): the pool's configuration and its identities.

use crate::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A Cognate (or Cognito) user pool an identity pool accepts ID tokens from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CognitoProvider {
    /// `ProviderName`: the user pool's issuer without the scheme.
    pub provider_name: String,
    /// `ClientId`: the ID token's `aud` must be it.
    pub client_id: String,
    /// `ServerSideTokenCheck`: also refuse tokens of signed-out or deleted users.
    pub server_side_token_check: bool,
}

/// How a role is chosen for one provider (`RoleMapping`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleMapping {
    /// `Token` or `Rules`.
    pub kind: String,
    /// `AuthenticatedRole` or `Deny`.
    pub ambiguous_role_resolution: Option<String>,
    /// `RulesConfiguration.Rules`, in order.
    pub rules: Vec<MappingRule>,
}

/// One rule of a `Rules` mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingRule {
    /// The claim.
    pub claim: String,
    /// `Equals`, `Contains`, `StartsWith` or `NotEqual`.
    pub match_type: String,
    /// The value compared with.
    pub value: String,
    /// The role when the rule matches.
    pub role_arn: String,
}

/// A provider's principal-tag map (`SetPrincipalTagAttributeMap`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalTagMap {
    /// `UseDefaults`.
    pub use_defaults: bool,
    /// Tag → claim.
    pub tags: BTreeMap<String, String>,
}

/// An identity pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityPool {
    /// `{region}:{uuid}`.
    pub id: String,
    /// `IdentityPoolName`.
    pub name: String,
    /// `AllowUnauthenticatedIdentities`.
    pub allow_unauthenticated: bool,
    /// `AllowClassicFlow`.
    pub allow_classic_flow: bool,
    /// `SupportedLoginProviders`: provider (`graph.facebook.com`, …) → app id.
    pub supported_login_providers: BTreeMap<String, String>,
    /// `DeveloperProviderName`.
    pub developer_provider_name: Option<String>,
    /// `OpenIdConnectProviderARNs`.
    pub open_id_connect_provider_arns: Vec<String>,
    /// `CognitoIdentityProviders`.
    pub cognito_identity_providers: Vec<CognitoProvider>,
    /// `SamlProviderARNs`.
    pub saml_provider_arns: Vec<String>,
    /// `IdentityPoolTags`.
    pub tags: BTreeMap<String, String>,
    /// `Roles`: `authenticated` / `unauthenticated` → role ARN.
    pub roles: BTreeMap<String, String>,
    /// `RoleMappings`, by provider.
    pub role_mappings: BTreeMap<String, RoleMapping>,
    /// Principal-tag maps, by provider.
    pub principal_tags: BTreeMap<String, PrincipalTagMap>,
    /// Created (ms).
    pub created_at: Millis,
    /// Last changed (ms).
    pub updated_at: Millis,
}

/// An identity of a pool: its logins (provider → the subject there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `{region}:{uuid}`.
    pub id: String,
    /// The identity pool.
    pub pool_id: String,
    /// Linked logins: provider → subject (a developer user identifier for the developer
    /// provider).
    pub logins: BTreeMap<String, String>,
    /// Created (ms).
    pub created_at: Millis,
    /// Last changed (ms).
    pub updated_at: Millis,
}
