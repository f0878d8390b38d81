//! What a pool's hosted UI and OAuth 2.0 endpoints are made of: its domains, its resource
//! servers (custom scopes), the look of its pages (the classic UI customization and managed-login
//! branding), and the single-use authorization codes of the code flow.

use crate::ids::{ClientId, UserPoolId};
use crate::Millis;
use serde::{Deserialize, Serialize};

/// A user-pool domain: a prefix (`{prefix}.auth.{region}.amazoncognito.com` on AWS) or a custom
/// domain. Creating one turns the pool's OAuth 2.0 endpoints and hosted UI on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolDomain {
    /// The prefix, or the full custom domain name.
    pub domain: String,
    /// The pool.
    pub pool_id: UserPoolId,
    /// A custom domain (`CustomDomainConfig` was given).
    pub custom: bool,
    /// `CustomDomainConfig.CertificateArn`, kept and echoed (TLS is the operator's proxy's).
    pub certificate_arn: Option<String>,
    /// `ManagedLoginVersion`: 1 for the classic hosted UI, 2 for managed login.
    pub managed_login_version: i64,
    /// Creation time.
    pub created_at: Millis,
}

/// One custom scope of a resource server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// `ScopeName`.
    pub name: String,
    /// `ScopeDescription`.
    pub description: String,
}

/// A resource server: its scopes are `{identifier}/{scope name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceServer {
    /// The pool.
    pub pool_id: UserPoolId,
    /// `Identifier` (often a URL).
    pub identifier: String,
    /// `Name`.
    pub name: String,
    /// `Scopes`.
    pub scopes: Vec<Scope>,
}

impl ResourceServer {
    /// The full names of its scopes, as clients request them.
    pub fn scope_names(&self) -> impl Iterator<Item = String> + '_ {
        self.scopes.iter().map(|s| format!("{}/{}", self.identifier, s.name))
    }
}

/// The classic hosted UI's customization (SetUICustomization), for one client or (`client_id`
/// `None`) the whole pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UiCustomization {
    /// The pool.
    pub pool_id: UserPoolId,
    /// The client, or `None` for the pool's default (`ALL` on the wire).
    pub client_id: Option<ClientId>,
    /// CSS with Cognito's classes (`.banner-customizable`, `.submitButton-customizable`, …).
    pub css: Option<String>,
    /// The logo, base64 (PNG or JPEG).
    pub image: Option<String>,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
}

/// Managed-login branding: a settings document and assets for one app client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedLoginBranding {
    /// `ManagedLoginBrandingId`.
    pub id: String,
    /// The pool.
    pub pool_id: UserPoolId,
    /// The app client it styles.
    pub client_id: ClientId,
    /// `UseCognitoProvidedValues`: the default look, ignoring `settings`.
    pub use_cognito_provided_values: bool,
    /// `Settings`, the branding document as given.
    pub settings: serde_json::Value,
    /// `Assets`, as given (category, color mode, extension, base64 bytes).
    pub assets: serde_json::Value,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
}
