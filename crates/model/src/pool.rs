//! A user pool and the settings the service interprets.

use crate::ids::UserPoolId;
use crate::vocab::{MfaFactor, MfaMode, RecoveryMechanism};
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

/// The second factors a pool offers (the SMS message and configuration are
/// [`PoolSettings::sms_authentication_message`] and [`PoolSettings::sms_configuration`]).
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
    pub fn offers(&self, factor: MfaFactor) -> bool {
        match factor {
            MfaFactor::Sms => self.sms,
            MfaFactor::SoftwareToken => self.software_token,
            MfaFactor::Email => self.email,
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
    /// `MfaConfiguration`.
    pub mfa_configuration: MfaMode,
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
    /// `VerificationMessageTemplate`.
    #[serde(default)]
    pub verification_message_template: Option<VerificationMessageTemplate>,
    /// The legacy `EmailVerificationMessage`, `EmailVerificationSubject` and `SmsVerificationMessage`.
    #[serde(default)]
    pub legacy_verification: LegacyVerificationMessages,
    /// `SmsAuthenticationMessage` (sign-in codes; contains `{####}`).
    #[serde(default)]
    pub sms_authentication_message: Option<String>,
    /// `SmsConfiguration`.
    #[serde(default)]
    pub sms_configuration: Option<SmsConfiguration>,
    /// `AccountRecoverySetting`.
    #[serde(default)]
    pub account_recovery: Option<AccountRecovery>,
    /// `UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate`.
    #[serde(default)]
    pub verify_before_update: Option<Vec<String>>,
    /// `LambdaConfig`: the triggers.
    #[serde(default)]
    pub lambda_config: LambdaConfig,
    /// Session tracking (SetUserPoolSessionConfiguration); `None`: never set (off, 20 per user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_tracking: Option<SessionTracking>,
    /// `WebAuthnConfiguration` (SetUserPoolMfaConfig): the passkeys' relying party.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webauthn: Option<WebAuthnSettings>,
    /// The pool-wide risk configuration (SetRiskConfiguration without a client).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<crate::risk::RiskConfig>,
    /// Members stored and echoed as given, keyed by their model name.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The passkeys' settings (`WebAuthnConfiguration`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebAuthnSettings {
    /// `RelyingPartyId`; `None`: the host of the service's public URL.
    pub relying_party_id: Option<String>,
    /// `UserVerification`: `required` or `preferred`.
    pub user_verification: String,
    /// `FactorConfiguration`: `SINGLE_FACTOR` (a passkey is one factor: MFA still applies) or
    /// `MULTI_FACTOR_WITH_USER_VERIFICATION` (a verified passkey satisfies MFA).
    #[serde(default = "single_factor")]
    pub factor_configuration: String,
}

fn single_factor() -> String {
    "SINGLE_FACTOR".into()
}

impl WebAuthnSettings {
    /// A passkey sign-in satisfies MFA.
    pub fn multi_factor(&self) -> bool {
        self.factor_configuration == "MULTI_FACTOR_WITH_USER_VERIFICATION"
    }
}

impl Default for WebAuthnSettings {
    /// Cognito's defaults: verification preferred, a passkey one factor.
    fn default() -> Self {
        Self { relying_party_id: None, user_verification: "preferred".into(), factor_configuration: single_factor() }
    }
}

/// The pool's session configuration (SetUserPoolSessionConfiguration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTracking {
    /// `UserSessionTracking` is `ENABLED`: sessions are recorded, listed and revocable.
    pub enabled: bool,
    /// `TokenSession.MaxPerUser` (1–100): a user's token sessions beyond it evict the least
    /// recently used at the next sign-in.
    pub max_per_user: u32,
}

impl Default for SessionTracking {
    /// Cognito's answer for a pool never configured: off, 20 per user.
    fn default() -> Self {
        Self { enabled: false, max_per_user: 20 }
    }
}

/// `VerificationMessageTemplate` (wire member names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct VerificationMessageTemplate {
    /// SMS body (contains `{####}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_message: Option<String>,
    /// Email body (contains `{####}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_message: Option<String>,
    /// Email subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_subject: Option<String>,
    /// Email body with a link (contains `{##Verify Email##}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_message_by_link: Option<String>,
    /// Email subject with a link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_subject_by_link: Option<String>,
    /// `CONFIRM_WITH_CODE` or `CONFIRM_WITH_LINK`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_email_option: Option<String>,
}

/// The verification messages of the older pool members.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LegacyVerificationMessages {
    /// `EmailVerificationMessage`.
    pub email_message: Option<String>,
    /// `EmailVerificationSubject`.
    pub email_subject: Option<String>,
    /// `SmsVerificationMessage`.
    pub sms_message: Option<String>,
}

/// `SmsConfiguration` (wire member names; Cognate sends SMS through its webhook, so these are
/// kept for the answer).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SmsConfiguration {
    /// `SnsCallerArn`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sns_caller_arn: Option<String>,
    /// `ExternalId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// `SnsRegion`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sns_region: Option<String>,
    /// `EumsSms` (End User Messaging settings), as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eums_sms: Option<serde_json::Value>,
}

/// `AccountRecoverySetting`: where password-reset codes go, in priority order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AccountRecovery {
    /// `RecoveryMechanisms`.
    pub recovery_mechanisms: Vec<RecoveryOption>,
}

/// One recovery mechanism with its priority (1 first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecoveryOption {
    /// 1 or 2.
    pub priority: i64,
    /// The mechanism.
    pub name: RecoveryMechanism,
}

/// A trigger given with the version of its event (`PreTokenGenerationConfig`,
/// `CustomSMSSender`, `CustomEmailSender`, `InboundFederation`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct VersionedLambda {
    /// The function's ARN.
    pub lambda_arn: String,
    /// The event version (`V1_0`, `V2_0`, `V3_0`).
    pub lambda_version: String,
}

/// `LambdaConfig`: the function of each trigger (wire member names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct LambdaConfig {
    /// `PreSignUp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_sign_up: Option<String>,
    /// `CustomMessage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_message: Option<String>,
    /// `PostConfirmation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_confirmation: Option<String>,
    /// `PreAuthentication`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_authentication: Option<String>,
    /// `PostAuthentication`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_authentication: Option<String>,
    /// `DefineAuthChallenge`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub define_auth_challenge: Option<String>,
    /// `CreateAuthChallenge`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_auth_challenge: Option<String>,
    /// `VerifyAuthChallengeResponse`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify_auth_challenge_response: Option<String>,
    /// `PreTokenGeneration` (the V1_0 event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_token_generation: Option<String>,
    /// `PreTokenGenerationConfig` (a versioned PreTokenGeneration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_token_generation_config: Option<VersionedLambda>,
    /// `UserMigration`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_migration: Option<String>,
    /// `CustomSMSSender`.
    #[serde(rename = "CustomSMSSender", skip_serializing_if = "Option::is_none")]
    pub custom_sms_sender: Option<VersionedLambda>,
    /// `CustomEmailSender`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_email_sender: Option<VersionedLambda>,
    /// `KMSKeyID`: the key the code of the custom senders is encrypted with.
    #[serde(rename = "KMSKeyID", skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// `InboundFederation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbound_federation: Option<VersionedLambda>,
}

impl PoolSettings {
    /// The feature plan (`UserPoolTier`, kept in `extra`); a pool that never named one is on
    /// Essentials, Cognito's default.
    pub fn tier(&self) -> &str {
        self.extra.get("UserPoolTier").and_then(|v| v.as_str()).unwrap_or("ESSENTIALS")
    }

    /// Reads a stored settings document. Documents written before a member became a typed
    /// field kept it in `extra` under its wire name: it moves to its field here.
    pub fn from_stored(json: &str) -> Result<Self, serde_json::Error> {
        let mut s: PoolSettings = serde_json::from_str(json)?;
        let mut take = |k: &str| s.extra.remove(k).filter(|v| !v.is_null());
        let template = take("VerificationMessageTemplate");
        let legacy =
            [take("EmailVerificationMessage"), take("EmailVerificationSubject"), take("SmsVerificationMessage")];
        let sms_message = take("SmsAuthenticationMessage");
        let sms_config = take("SmsConfiguration");
        let recovery = take("AccountRecoverySetting");
        let update = take("UserAttributeUpdateSettings");
        let lambda = take("LambdaConfig");
        let text = |v: Option<serde_json::Value>| v.and_then(|v| v.as_str().map(String::from));
        if let Some(v) = template {
            s.verification_message_template = Some(serde_json::from_value(v)?);
        }
        let [email_message, email_subject, sms] = legacy;
        if email_message.is_some() || email_subject.is_some() || sms.is_some() {
            s.legacy_verification = LegacyVerificationMessages {
                email_message: text(email_message),
                email_subject: text(email_subject),
                sms_message: text(sms),
            };
        }
        if sms_message.is_some() {
            s.sms_authentication_message = text(sms_message);
        }
        if let Some(v) = sms_config {
            s.sms_configuration = Some(serde_json::from_value(v)?);
        }
        if let Some(v) = recovery {
            s.account_recovery = Some(serde_json::from_value(v)?);
        }
        if let Some(v) =
            update.and_then(|mut u| u.get_mut("AttributesRequireVerificationBeforeUpdate").map(|a| a.take()))
        {
            s.verify_before_update = Some(serde_json::from_value(v)?);
        }
        if let Some(v) = lambda {
            s.lambda_config = serde_json::from_value(v)?;
        }
        Ok(s)
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_with_members_in_extra_read_into_typed_fields() {
        let old = r#"{"password_policy":{"minimum_length":8,"require_uppercase":true,"require_lowercase":true,
            "require_numbers":true,"require_symbols":true,"temporary_password_validity_days":7,"password_history_size":null},
            "schema":[],"username_attributes":[],"alias_attributes":[],"case_sensitive":true,"auto_verified_attributes":[],
            "mfa_configuration":"OPTIONAL","deletion_protection":false,"device_configuration":null,
            "admin_create_user":{"allow_admin_create_user_only":false,"unused_account_validity_days":null,
            "invite_message":{"sms_message":null,"email_message":null,"email_subject":null}},"tags":{},
            "extra":{"LambdaConfig":{"PreSignUp":"arn:aws:lambda:us-east-1:0:function:f",
                "PreTokenGenerationConfig":{"LambdaArn":"arn:x","LambdaVersion":"V2_0"}},
              "VerificationMessageTemplate":{"EmailMessage":"Code {####}","DefaultEmailOption":"CONFIRM_WITH_CODE"},
              "EmailVerificationSubject":"Subject","SmsAuthenticationMessage":"Sign in {####}",
              "AccountRecoverySetting":{"RecoveryMechanisms":[{"Priority":1,"Name":"verified_email"}]},
              "UserAttributeUpdateSettings":{"AttributesRequireVerificationBeforeUpdate":["email"]},
              "UserPoolTier":"ESSENTIALS"}}"#;
        let s = PoolSettings::from_stored(old).unwrap();
        assert_eq!(s.mfa_configuration, MfaMode::Optional);
        assert_eq!(s.lambda_config.pre_sign_up.as_deref(), Some("arn:aws:lambda:us-east-1:0:function:f"));
        assert_eq!(s.lambda_config.pre_token_generation_config.as_ref().unwrap().lambda_version, "V2_0");
        assert_eq!(s.verification_message_template.as_ref().unwrap().email_message.as_deref(), Some("Code {####}"));
        assert_eq!(s.legacy_verification.email_subject.as_deref(), Some("Subject"));
        assert_eq!(s.sms_authentication_message.as_deref(), Some("Sign in {####}"));
        assert_eq!(s.account_recovery.unwrap().recovery_mechanisms[0].name, RecoveryMechanism::VerifiedEmail);
        assert_eq!(s.verify_before_update, Some(vec!["email".to_string()]));
        // What is only echoed stays in extra.
        assert_eq!(s.extra.keys().collect::<Vec<_>>(), ["UserPoolTier"]);
        // And a document written now reads back the same.
        let again = PoolSettings::from_stored(&serde_json::to_string(&PoolSettings::default()).unwrap()).unwrap();
        assert_eq!(again, PoolSettings::default());
    }
}
