//! A user of a pool.

use crate::ids::UserPoolId;
use crate::vocab::MfaFactor;
use crate::Millis;
use serde::{Deserialize, Serialize};

/// `UserStatusType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UserStatus {
    /// Signed up, not confirmed yet.
    Unconfirmed,
    /// Confirmed.
    Confirmed,
    /// Archived.
    Archived,
    /// Compromised.
    Compromised,
    /// Unknown.
    Unknown,
    /// Must reset the password.
    ResetRequired,
    /// Must change the temporary password.
    ForceChangePassword,
    /// Federated.
    ExternalProvider,
}

impl UserStatus {
    /// Every status.
    pub const ALL: [UserStatus; 8] = [
        UserStatus::Unconfirmed,
        UserStatus::Confirmed,
        UserStatus::Archived,
        UserStatus::Compromised,
        UserStatus::Unknown,
        UserStatus::ResetRequired,
        UserStatus::ForceChangePassword,
        UserStatus::ExternalProvider,
    ];

    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Unconfirmed => "UNCONFIRMED",
            UserStatus::Confirmed => "CONFIRMED",
            UserStatus::Archived => "ARCHIVED",
            UserStatus::Compromised => "COMPROMISED",
            UserStatus::Unknown => "UNKNOWN",
            UserStatus::ResetRequired => "RESET_REQUIRED",
            UserStatus::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            UserStatus::ExternalProvider => "EXTERNAL_PROVIDER",
        }
    }

    /// Parses the wire value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A user's MFA settings: which factors are enabled (SetUserMFAPreference, or the legacy
/// SetUserSettings for SMS), the preferred one, and the TOTP secret (sealed by the master key).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserMfa {
    /// SMS codes to `phone_number` are enabled.
    pub sms_enabled: bool,
    /// Authenticator-app codes are enabled (needs a verified `totp_secret`).
    pub totp_enabled: bool,
    /// Email codes to `email` are enabled.
    pub email_enabled: bool,
    /// The preferred factor, if any.
    pub preferred: Option<MfaFactor>,
    /// The verified TOTP secret, sealed.
    pub totp_secret: Option<String>,
    /// A secret from AssociateSoftwareToken that VerifySoftwareToken has not confirmed yet, sealed.
    pub totp_pending: Option<String>,
    /// Wrong VerifySoftwareToken codes for the pending secret (it is dropped after five).
    pub totp_pending_attempts: u32,
    /// The friendly name given at VerifySoftwareToken.
    pub totp_name: Option<String>,
    /// The last accepted TOTP time step: a code is accepted once only.
    pub totp_last_step: i64,
    /// Passkey MFA (`WebAuthnMfaSettings`): a passkey sign-in, always user-verified, satisfies
    /// MFA for this user and is offered where the pool requires MFA. Only on while another
    /// factor is enabled, so that losing the passkey does not lock the user out.
    pub webauthn_enabled: bool,
}

impl UserMfa {
    /// The factors enabled for the user, in Cognito's order.
    pub fn enabled(&self) -> Vec<MfaFactor> {
        let mut v = vec![];
        if self.sms_enabled {
            v.push(MfaFactor::Sms);
        }
        if self.totp_enabled && self.totp_secret.is_some() {
            v.push(MfaFactor::SoftwareToken);
        }
        if self.email_enabled {
            v.push(MfaFactor::Email);
        }
        v
    }

    /// Turns a factor on or off for the user.
    pub fn set_enabled(&mut self, factor: MfaFactor, on: bool) {
        match factor {
            MfaFactor::Sms => self.sms_enabled = on,
            MfaFactor::SoftwareToken => self.totp_enabled = on,
            MfaFactor::Email => self.email_enabled = on,
        }
    }
}

/// A user. `attributes` never holds `sub` (it is the `sub` field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The pool.
    pub pool_id: UserPoolId,
    /// The user name as created (for email/phone-as-username pools, the sub).
    pub username: String,
    /// The name normalized for uniqueness: lowercased when the pool is case-insensitive.
    pub username_key: String,
    /// UUID v4, immutable.
    pub sub: String,
    /// Status.
    pub status: UserStatus,
    /// Disabled users cannot sign in.
    pub enabled: bool,
    /// Attributes other than `sub`, in the order they were set.
    pub attributes: Vec<(String, String)>,
    /// argon2id PHC string.
    pub password_hash: Option<String>,
    /// When the password was set (temporary-password expiry counts from it).
    pub password_set_at: Option<Millis>,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
    /// Optimistic-concurrency counter, bumped by every update.
    pub version: i64,
    /// MFA settings.
    pub mfa: UserMfa,
    /// The SRP verifier (salt and `v`), sealed by the master key; set with every password.
    pub srp_verifier: Option<String>,
    /// New values of attributes that must be verified before they replace the old ones
    /// (`AttributesRequireVerificationBeforeUpdate`).
    #[serde(default)]
    pub pending_attributes: Vec<(String, String)>,
}

impl User {
    /// A new user at `now`: enabled, version 1, no password, no MFA, no pending changes.
    pub fn new(
        pool_id: UserPoolId,
        username: String,
        username_key: String,
        sub: String,
        status: UserStatus,
        attributes: Vec<(String, String)>,
        now: Millis,
    ) -> Self {
        Self {
            pool_id,
            username,
            username_key,
            sub,
            status,
            enabled: true,
            attributes,
            password_hash: None,
            password_set_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
            mfa: UserMfa::default(),
            srp_verifier: None,
            pending_attributes: vec![],
        }
    }

    /// The value of attribute `name`, including `sub`.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        if name == "sub" {
            return Some(&self.sub);
        }
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Sets or replaces an attribute.
    pub fn set_attribute(&mut self, name: &str, value: &str) {
        match self.attributes.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value.to_string(),
            None => self.attributes.push((name.to_string(), value.to_string())),
        }
    }

    /// Removes an attribute.
    pub fn remove_attribute(&mut self, name: &str) {
        self.attributes.retain(|(n, _)| n != name);
    }

    /// True when `<attr>_verified` is `"true"`.
    pub fn is_verified(&self, attr: &str) -> bool {
        self.attribute(&format!("{attr}_verified")) == Some("true")
    }
}
