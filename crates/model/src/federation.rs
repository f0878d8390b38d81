//! Federated identity providers of a pool: SAML 2.0, OpenID Connect, and the social presets
//! (Google, Facebook, Login with Amazon, Sign in with Apple).

use crate::ids::UserPoolId;
use crate::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `IdentityProviderTypeType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProviderType {
    /// `SAML`.
    #[serde(rename = "SAML")]
    Saml,
    /// `OIDC`.
    #[serde(rename = "OIDC")]
    Oidc,
    /// `Google`.
    Google,
    /// `Facebook`.
    Facebook,
    /// `LoginWithAmazon`.
    LoginWithAmazon,
    /// `SignInWithApple`.
    SignInWithApple,
}

impl ProviderType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Saml => "SAML",
            Self::Oidc => "OIDC",
            Self::Google => "Google",
            Self::Facebook => "Facebook",
            Self::LoginWithAmazon => "LoginWithAmazon",
            Self::SignInWithApple => "SignInWithApple",
        }
    }

    /// The social presets are named after their type, and only one of each may exist.
    pub fn is_social(self) -> bool {
        matches!(self, Self::Google | Self::Facebook | Self::LoginWithAmazon | Self::SignInWithApple)
    }
}

/// A pool's identity provider. `details` holds `ProviderDetails` as given and completed, except
/// that secrets (`client_secret`, `private_key`) are sealed with the master key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityProvider {
    /// The pool.
    pub pool_id: UserPoolId,
    /// `ProviderName`.
    pub name: String,
    /// `ProviderType`.
    pub provider_type: ProviderType,
    /// `ProviderDetails` (secrets sealed).
    pub details: BTreeMap<String, String>,
    /// `AttributeMapping`: pool attribute → provider attribute.
    pub attribute_mapping: BTreeMap<String, String>,
    /// `IdpIdentifiers`.
    pub identifiers: Vec<String>,
    /// Created (ms).
    pub created_at: Millis,
    /// Last changed (ms).
    pub updated_at: Millis,
}

/// An external identity linked to a user of the pool (AdminLinkProviderForUser): when that
/// identity signs in through its provider, it signs in as the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderLink {
    /// The pool.
    pub pool_id: UserPoolId,
    /// The provider's `ProviderName`.
    pub provider_name: String,
    /// The provider attribute that names the identity (`Cognito_Subject`, or a SAML attribute).
    pub attribute_name: String,
    /// The identity's value of that attribute (the provider's user id).
    pub subject: String,
    /// The linked user (name key).
    pub username_key: String,
    /// Linked (ms).
    pub created_at: Millis,
}
