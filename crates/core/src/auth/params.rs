//! What a sign-in step carries, typed: the `AuthParameters` of InitiateAuth and the
//! `ChallengeResponses` of RespondToAuthChallenge. The API reads its wire map into
//! [`AuthParams`] once; other front ends (the hosted UI) fill the fields directly.

use crate::{CoreError, CoreResult};
use cognate_model::MfaFactor;

/// The members of a sign-in step. Each flow and challenge reads the ones it needs and answers
/// `InvalidParameterException` naming a missing one by its wire name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthParams {
    /// `USERNAME`.
    pub username: Option<String>,
    /// `PASSWORD`.
    pub password: Option<String>,
    /// `SRP_A`.
    pub srp_a: Option<String>,
    /// `REFRESH_TOKEN`.
    pub refresh_token: Option<String>,
    /// `SECRET_HASH`.
    pub secret_hash: Option<String>,
    /// `DEVICE_KEY`.
    pub device_key: Option<String>,
    /// `NEW_PASSWORD` (NEW_PASSWORD_REQUIRED).
    pub new_password: Option<String>,
    /// `userAttributes.<name>` (NEW_PASSWORD_REQUIRED), in the order given.
    pub user_attributes: Vec<(String, String)>,
    /// `PASSWORD_CLAIM_SECRET_BLOCK` (PASSWORD_VERIFIER, DEVICE_PASSWORD_VERIFIER).
    pub password_claim_secret_block: Option<String>,
    /// `PASSWORD_CLAIM_SIGNATURE`.
    pub password_claim_signature: Option<String>,
    /// `TIMESTAMP`, as the client formatted it.
    pub timestamp: Option<String>,
    /// `ANSWER` (SELECT_MFA_TYPE).
    pub answer: Option<String>,
    /// `SMS_MFA_CODE`.
    pub sms_mfa_code: Option<String>,
    /// `EMAIL_OTP_CODE`.
    pub email_otp_code: Option<String>,
    /// `SOFTWARE_TOKEN_MFA_CODE`.
    pub software_token_mfa_code: Option<String>,
    /// `SMS_OTP_CODE` (USER_AUTH's SMS_OTP).
    pub sms_otp_code: Option<String>,
    /// `PREFERRED_CHALLENGE` (USER_AUTH).
    pub preferred_challenge: Option<String>,
    /// `CREDENTIAL` (WEB_AUTHN): the browser's `AuthenticationResponseJSON`, as text.
    pub credential: Option<String>,
    /// InitiateAuth's `Session` (not an auth parameter): ConfirmSignUp's, to sign in with.
    pub session: Option<String>,
}

impl AuthParams {
    /// A present, non-empty member, or `InvalidParameterException` naming it.
    pub(crate) fn require<'a>(value: &'a Option<String>, wire_name: &str) -> CoreResult<&'a str> {
        value
            .as_deref()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| CoreError::InvalidParameter(format!("Missing required parameter {wire_name}")))
    }

    /// The code of a factor's challenge, and its wire name.
    pub(crate) fn code(&self, factor: MfaFactor) -> (&Option<String>, &'static str) {
        let v = match factor {
            MfaFactor::Sms => &self.sms_mfa_code,
            MfaFactor::Email => &self.email_otp_code,
            MfaFactor::SoftwareToken => &self.software_token_mfa_code,
        };
        (v, factor.code_parameter())
    }

    /// `SECRET_HASH`, when given.
    pub(crate) fn secret_hash(&self) -> Option<&str> {
        self.secret_hash.as_deref()
    }

    /// `DEVICE_KEY`, when given and not empty.
    pub(crate) fn device_key(&self) -> Option<&str> {
        self.device_key.as_deref().filter(|k| !k.is_empty())
    }
}
