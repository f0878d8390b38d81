//! An app client.

use crate::ids::{ClientId, UserPoolId};
use crate::vocab::{ExistenceErrors, ExplicitAuthFlow, OAuthFlow};
use crate::Millis;
use serde::{Deserialize, Serialize};

/// Token lifetimes, kept as given plus their units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenValidity {
    /// Access token validity, in `access_unit`.
    pub access: i64,
    /// ID token validity, in `id_unit`.
    pub id: i64,
    /// Refresh token validity, in `refresh_unit`.
    pub refresh: i64,
    /// `seconds` | `minutes` | `hours` | `days`.
    pub access_unit: String,
    /// `seconds` | `minutes` | `hours` | `days`.
    pub id_unit: String,
    /// `seconds` | `minutes` | `hours` | `days`.
    pub refresh_unit: String,
}

/// Seconds in one `unit`.
pub fn unit_seconds(unit: &str) -> i64 {
    match unit {
        "seconds" => 1,
        "minutes" => 60,
        "days" => 86400,
        _ => 3600,
    }
}

impl TokenValidity {
    /// Access token lifetime in seconds.
    pub fn access_secs(&self) -> i64 {
        self.access * unit_seconds(&self.access_unit)
    }
    /// ID token lifetime in seconds.
    pub fn id_secs(&self) -> i64 {
        self.id * unit_seconds(&self.id_unit)
    }
    /// Refresh token lifetime in seconds.
    pub fn refresh_secs(&self) -> i64 {
        self.refresh * unit_seconds(&self.refresh_unit)
    }
}

impl Default for TokenValidity {
    /// Cognito's defaults: 60 minutes for access and ID tokens, 30 days for refresh tokens.
    fn default() -> Self {
        Self {
            access: 60,
            id: 60,
            refresh: 30,
            access_unit: "minutes".into(),
            id_unit: "minutes".into(),
            refresh_unit: "days".into(),
        }
    }
}

/// The settings of an app client.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClientSettings {
    /// Allowed auth flows (`ALLOW_*` and legacy names).
    pub explicit_auth_flows: Vec<ExplicitAuthFlow>,
    /// Token lifetimes.
    pub token_validity: TokenValidity,
    /// Attributes the client may read; empty means all.
    pub read_attributes: Vec<String>,
    /// Attributes the client may write; empty means all writable.
    pub write_attributes: Vec<String>,
    /// `PreventUserExistenceErrors`.
    pub prevent_user_existence_errors: ExistenceErrors,
    /// RevokeToken allowed.
    pub enable_token_revocation: bool,
    /// Minutes a `Session` stays valid (3–15).
    pub auth_session_validity: i64,
    /// Refresh-token rotation enabled.
    pub refresh_token_rotation: bool,
    /// Grace period for the old refresh token after rotation.
    pub refresh_token_retry_grace_seconds: i64,
    /// OAuth: `code`, `implicit`, `client_credentials`.
    pub allowed_oauth_flows: Vec<OAuthFlow>,
    /// OAuth scopes.
    pub allowed_oauth_scopes: Vec<String>,
    /// OAuth is enabled for this client.
    pub allowed_oauth_flows_user_pool_client: bool,
    /// Allowed redirect URLs.
    pub callback_urls: Vec<String>,
    /// Allowed sign-out URLs.
    pub logout_urls: Vec<String>,
    /// Default redirect.
    pub default_redirect_uri: Option<String>,
    /// `COGNITO` and/or identity provider names.
    pub supported_identity_providers: Vec<String>,
    /// Members stored and echoed as given, keyed by their model name.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The client's secrets once one was added (AddUserPoolClientSecret): at most two, oldest
    /// first, each sealed by the master key. Empty: the one secret is `AppClient::secret_sealed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<ClientSecretEntry>,
    /// `SSOSession.MaxValidityMinutes` (SetUserPoolClientSessionConfiguration, 0–129600): how
    /// long after the user's last fresh authentication this client reuses a hosted session
    /// without the login page, when the pool tracks sessions. `None`: never set (60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso_max_validity_minutes: Option<i64>,
    /// This client's risk configuration (SetRiskConfiguration with its `ClientId`), which
    /// replaces the pool's for its sign-ins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<crate::risk::RiskConfig>,
}

/// One of several live secrets of an app client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSecretEntry {
    /// `ClientSecretId`.
    pub id: String,
    /// The secret, sealed by the master key (the client id as associated data).
    pub sealed: String,
    /// `ClientSecretCreateDate` (ms).
    pub created_at: Millis,
}

/// An app client of a pool. The secret is kept encrypted with the master key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppClient {
    /// The pool.
    pub pool_id: UserPoolId,
    /// The id.
    pub client_id: ClientId,
    /// The name.
    pub name: String,
    /// The secret, sealed by the master key; `None` for public clients.
    pub secret_sealed: Option<String>,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
    /// Everything else.
    pub settings: ClientSettings,
}
