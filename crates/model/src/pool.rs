//! A user pool and the settings the service interprets.

use crate::ids::UserPoolId;
use crate::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A user pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserPool {
    /// `{region}_{id}`.
    pub id: UserPoolId,
    /// The pool's name (not unique, as in Cognito).
    pub name: String,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
    /// Everything else.
    pub settings: PoolSettings,
}

/// Password rules (`Policies.PasswordPolicy`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    /// At least this many characters (6–99).
    pub minimum_length: u32,
    /// Needs an uppercase letter.
    pub require_uppercase: bool,
    /// Needs a lowercase letter.
    pub require_lowercase: bool,
    /// Needs a digit.
    pub require_numbers: bool,
    /// Needs one of Cognito's symbols.
    pub require_symbols: bool,
    /// How long an admin-set temporary password stays valid.
    pub temporary_password_validity_days: u32,
    /// Previous passwords that may not be reused (stored; enforced with the sign-in issue).
    pub password_history_size: Option<u32>,
}

impl Default for PasswordPolicy {
    /// Cognito's defaults: 8 characters, all four classes, 7-day temporary passwords.
    fn default() -> Self {
        Self {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: 7,
            password_history_size: None,
        }
    }
}

/// Data type of a schema attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttributeDataType {
    /// Free text.
    String,
    /// An integer, kept as a string.
    Number,
    /// A date-time, kept as a string.
    DateTime,
    /// `true`/`false`, kept as a string.
    Boolean,
}

/// One attribute of the pool schema, standard or custom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaAttribute {
    /// Full name: `email`, or `custom:tier`, or `dev:custom:x`.
    pub name: String,
    /// Data type.
    pub data_type: AttributeDataType,
    /// Only admins (IAM) can read or write it.
    pub developer_only: bool,
    /// Can change after creation.
    pub mutable: bool,
    /// Must be given at sign-up.
    pub required: bool,
    /// String length bounds (strings in the model).
    pub min_length: Option<String>,
    /// String length bounds (strings in the model).
    pub max_length: Option<String>,
    /// Number bounds (strings in the model).
    pub min_value: Option<String>,
    /// Number bounds (strings in the model).
    pub max_value: Option<String>,
}

/// A message template (invitation or verification).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageTemplate {
    /// SMS body.
    pub sms_message: Option<String>,
    /// Email body.
    pub email_message: Option<String>,
    /// Email subject.
    pub email_subject: Option<String>,
}

/// `AdminCreateUserConfig`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AdminCreateUserConfig {
    /// Only admins may create users (SignUp refused).
    pub allow_admin_create_user_only: bool,
    /// Legacy temporary password validity; the password policy wins when both are set.
    pub unused_account_validity_days: Option<u32>,
    /// The invitation message.
    pub invite_message: MessageTemplate,
}

/// `DeviceConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeviceConfiguration {
    /// Devices must pass a challenge the first time.
    pub challenge_required_on_new_device: bool,
    /// Devices are remembered only when the user asks.
    pub device_only_remembered_on_user_prompt: bool,
}

/// The second factors a pool offers. The SMS message and configuration live in `extra`
/// (`SmsAuthenticationMessage`, `SmsConfiguration`), as CreateUserPool gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PoolMfa {
    /// SMS codes (`SMS_MFA`).
    pub sms: bool,
    /// Authenticator apps (`SOFTWARE_TOKEN_MFA`).
    pub software_token: bool,
    /// Email codes (`EMAIL_OTP`).
    pub email: bool,
    /// `EmailMfaConfiguration.Message` (contains `{####}`).
    pub email_message: Option<String>,
    /// `EmailMfaConfiguration.Subject`.
    pub email_subject: Option<String>,
}

impl PoolMfa {
    /// True when the pool offers `factor`.
    pub fn offers(&self, factor: &str) -> bool {
        match factor {
            "SMS_MFA" => self.sms,
            "SOFTWARE_TOKEN_MFA" => self.software_token,
            "EMAIL_OTP" => self.email,
            _ => false,
        }
    }
}

/// Everything about a pool except its identity, stored as one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PoolSettings {
    /// Password rules.
    pub password_policy: PasswordPolicy,
    /// Standard and custom attributes.
    pub schema: Vec<SchemaAttribute>,
    /// `email` and/or `phone_number` used as the user name (the internal name is then the sub).
    pub username_attributes: Vec<String>,
    /// Verified `email`/`phone_number` or `preferred_username` also sign in.
    pub alias_attributes: Vec<String>,
    /// Whether user names are case-sensitive (`UsernameConfiguration.CaseSensitive`).
    pub case_sensitive: bool,
    /// Attributes verified automatically by a code at sign-up.
    pub auto_verified_attributes: Vec<String>,
    /// `OFF`, `ON` or `OPTIONAL`.
    pub mfa_configuration: String,
    /// Which second factors the pool offers (SetUserPoolMfaConfig).
    #[serde(default)]
    pub mfa: PoolMfa,
    /// Deletion protection is `ACTIVE`.
    pub deletion_protection: bool,
    /// Remembered devices, when set.
    pub device_configuration: Option<DeviceConfiguration>,
    /// Admin-created users.
    pub admin_create_user: AdminCreateUserConfig,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Members stored and echoed as given, keyed by their model name.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl PoolSettings {
    /// True when `attr` is one of the pool's `UsernameAttributes`.
    pub fn is_username_attribute(&self, attr: &str) -> bool {
        self.username_attributes.iter().any(|a| a == attr)
    }
    /// True when `attr` is one of the pool's `AliasAttributes`.
    pub fn is_alias_attribute(&self, attr: &str) -> bool {
        self.alias_attributes.iter().any(|a| a == attr)
    }
    /// The schema entry for `name`.
    pub fn attribute(&self, name: &str) -> Option<&SchemaAttribute> {
        self.schema.iter().find(|a| a.name == name)
    }
}
