//! One-time codes (sign-up confirmation, password reset, attribute verification): six digits,
//! stored only as a keyed hash, single use, with an expiry and an attempt limit; and their
//! delivery through the pool's message templates.

use crate::outbox::Message;
use crate::triggers::{Call, Trigger};
use crate::{Cognate, CoreError, CoreResult};
use cognate_model::{now_millis, DeliveryMedium, User, UserPool};
use cognate_store::StoredCode;
use rand::Rng;

/// Wrong guesses allowed before a code is thrown away.
pub const MAX_ATTEMPTS: i64 = 5;
/// Sign-up and attribute-verification codes live a day, as in Cognito.
pub const VERIFY_TTL_MS: i64 = 24 * 3_600_000;
/// Password-reset codes live an hour.
pub const RESET_TTL_MS: i64 = 3_600_000;

/// Where a code went (`CodeDeliveryDetails`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeDelivery {
    /// Masked address: `a***@e***` or `+*******1234`.
    pub destination: String,
    /// Email or SMS.
    pub medium: DeliveryMedium,
    /// `email` or `phone_number`.
    pub attribute: String,
}

/// Masks an address the way Cognito shows it.
pub fn mask(attribute: &str, value: &str) -> String {
    if attribute == "phone_number" {
        let n = value.chars().count();
        let tail: String = value.chars().skip(n.saturating_sub(4)).collect();
        format!("+{}{tail}", "*".repeat(n.saturating_sub(5)))
    } else {
        let (local, domain) = value.split_once('@').unwrap_or((value, ""));
        format!("{}***@{}***", local.chars().next().unwrap_or('*'), domain.chars().next().unwrap_or('*'))
    }
}

/// Why a code is sent: picks the pool's template and names the CustomMessage trigger source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageSource {
    /// SignUp's confirmation code.
    SignUp,
    /// ResendConfirmationCode.
    ResendCode,
    /// ForgotPassword and AdminResetUserPassword.
    ForgotPassword,
    /// A changed email or phone number to verify (UpdateUserAttributes, AdminUpdateUserAttributes).
    UpdateUserAttribute,
    /// GetUserAttributeVerificationCode.
    VerifyUserAttribute,
    /// A sign-in code (SMS_MFA, EMAIL_OTP).
    Authentication,
}

impl MessageSource {
    /// The template family.
    fn kind(self) -> CodeKind {
        match self {
            MessageSource::ForgotPassword => CodeKind::Reset,
            MessageSource::Authentication => CodeKind::Mfa,
            _ => CodeKind::Verification,
        }
    }

    /// The custom senders' trigger source, after the sender's name.
    fn sender_source(self) -> &'static str {
        match self {
            MessageSource::SignUp => "SignUp",
            MessageSource::ResendCode => "ResendCode",
            MessageSource::ForgotPassword => "ForgotPassword",
            MessageSource::UpdateUserAttribute => "UpdateUserAttribute",
            MessageSource::VerifyUserAttribute => "VerifyUserAttribute",
            MessageSource::Authentication => "Authentication",
        }
    }

    /// CustomMessage's `triggerSource`.
    pub fn custom_message_source(self) -> &'static str {
        match self {
            MessageSource::SignUp => "CustomMessage_SignUp",
            MessageSource::ResendCode => "CustomMessage_ResendCode",
            MessageSource::ForgotPassword => "CustomMessage_ForgotPassword",
            MessageSource::UpdateUserAttribute => "CustomMessage_UpdateUserAttribute",
            MessageSource::VerifyUserAttribute => "CustomMessage_VerifyUserAttribute",
            MessageSource::Authentication => "CustomMessage_Authentication",
        }
    }
}

/// How a code is sent: why, for which app client, and the request (its `ClientMetadata`).
#[derive(Clone, Copy)]
pub(crate) struct Via<'a> {
    pub source: MessageSource,
    pub client_id: Option<&'a str>,
    pub req: &'a crate::RequestContext,
}

/// What a delivered code is for (picks the template).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CodeKind {
    /// Sign-up confirmation or attribute verification.
    Verification,
    /// Password reset.
    Reset,
    /// A sign-in code (SMS_MFA, EMAIL_OTP).
    Mfa,
}

/// A verification message: `VerificationMessageTemplate`'s member when set, else the legacy one.
#[derive(Clone, Copy)]
enum Part {
    SmsMessage,
    EmailMessage,
    EmailSubject,
}

fn template(pool: &UserPool, part: Part) -> Option<String> {
    let t = pool.settings.verification_message_template.as_ref();
    let legacy = &pool.settings.legacy_verification;
    match part {
        Part::SmsMessage => t.and_then(|t| t.sms_message.clone()).or_else(|| legacy.sms_message.clone()),
        Part::EmailMessage => t.and_then(|t| t.email_message.clone()).or_else(|| legacy.email_message.clone()),
        Part::EmailSubject => t.and_then(|t| t.email_subject.clone()).or_else(|| legacy.email_subject.clone()),
    }
}

impl Cognate {
    /// Stores a fresh code for `purpose` (replacing an older one) and returns it.
    pub(crate) async fn issue_code(
        &self,
        pool: &UserPool,
        user: &User,
        purpose: &str,
        ttl_ms: i64,
    ) -> CoreResult<String> {
        let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32));
        let now = now_millis();
        let stored = StoredCode {
            code_hash: self.master.keyed_hash(&format!("code:{}:{}:{purpose}", pool.id, user.username_key), &code),
            expires_at: now + ttl_ms,
            attempts: 0,
            created_at: now,
        };
        self.store.put_code(&pool.id, &user.username_key, purpose, &stored).await?;
        Ok(code)
    }

    /// Checks and consumes a code. Errors: ExpiredCode (none, expired, used), CodeMismatch,
    /// LimitExceeded (too many wrong guesses; the code is gone).
    pub(crate) async fn check_code(&self, pool: &UserPool, user: &User, purpose: &str, code: &str) -> CoreResult<()> {
        let expired = || CoreError::ExpiredCode("Invalid code provided, please request a code again.".into());
        let stored = self.store.get_code(&pool.id, &user.username_key, purpose).await?.ok_or_else(expired)?;
        if stored.expires_at <= now_millis() {
            self.store.take_code(&pool.id, &user.username_key, purpose).await?;
            return Err(expired());
        }
        let want = self.master.keyed_hash(&format!("code:{}:{}:{purpose}", pool.id, user.username_key), code);
        if !bool::from(subtle::ConstantTimeEq::ct_eq(want.as_bytes(), stored.code_hash.as_bytes())) {
            let attempts = self.store.bump_code_attempts(&pool.id, &user.username_key, purpose).await?;
            if attempts >= MAX_ATTEMPTS {
                self.store.take_code(&pool.id, &user.username_key, purpose).await?;
                return Err(CoreError::LimitExceeded("Attempt limit exceeded, please try after some time.".into()));
            }
            return Err(CoreError::CodeMismatch("Invalid verification code provided, please try again.".into()));
        }
        if !self.store.take_code(&pool.id, &user.username_key, purpose).await? {
            return Err(expired()); // used by a concurrent request
        }
        Ok(())
    }

    /// Sends `code` to the user's `attribute` (email or phone_number) with the pool's template.
    pub(crate) async fn deliver_code(
        &self,
        pool: &UserPool,
        user: &User,
        attribute: &str,
        code: &str,
        via: &Via<'_>,
    ) -> CoreResult<CodeDelivery> {
        let kind = via.source.kind();
        let to = user
            .attribute(attribute)
            .ok_or_else(|| CoreError::InvalidParameter(format!("The user has no {attribute} to send a code to.")))?
            .to_string();
        let medium = DeliveryMedium::of_attribute(attribute);
        let sending = crate::triggers::senders::Sending {
            pool,
            user,
            medium,
            source: via.source.sender_source(),
            client_id: via.client_id,
            req: via.req,
        };
        if self.custom_send(&sending, code).await? {
            return Ok(CodeDelivery { destination: mask(attribute, &to), medium, attribute: attribute.into() });
        }
        let default_body = match kind {
            CodeKind::Verification => "Your verification code is {####}.",
            CodeKind::Reset => "Your password reset code is {####}.",
            CodeKind::Mfa => "Your authentication code is {####}.",
        };
        let (subject, body) = if kind == CodeKind::Mfa {
            let m = &pool.settings.mfa;
            if medium == DeliveryMedium::Sms {
                let message = pool.settings.sms_authentication_message.clone();
                (String::new(), message.unwrap_or_else(|| default_body.into()))
            } else {
                (
                    m.email_subject.clone().unwrap_or_else(|| "Your sign-in code".into()),
                    m.email_message.clone().unwrap_or_else(|| default_body.into()),
                )
            }
        } else if medium == DeliveryMedium::Sms {
            (String::new(), template(pool, Part::SmsMessage).unwrap_or_else(|| default_body.into()))
        } else {
            (
                template(pool, Part::EmailSubject).unwrap_or_else(|| "Your verification code".into()),
                template(pool, Part::EmailMessage).unwrap_or_else(|| default_body.into()),
            )
        };
        let custom = if Cognate::has_trigger(pool, Trigger::CustomMessage) {
            let call = Call {
                trigger: Trigger::CustomMessage,
                source: via.source.custom_message_source(),
                pool,
                user_name: &user.username,
                client_id: via.client_id,
                req: via.req,
            };
            self.custom_message(&call, user, None).await?.unwrap_or_default()
        } else {
            Default::default()
        };
        let (subject, body) = if medium == DeliveryMedium::Sms {
            (subject, custom.sms.unwrap_or(body))
        } else {
            (custom.subject.unwrap_or(subject), custom.email.unwrap_or(body))
        };
        let body = body.replace("{####}", code).replace("{username}", &user.username);
        let purpose = match kind {
            CodeKind::Verification => "verification",
            CodeKind::Reset => "password-reset",
            CodeKind::Mfa => "mfa",
        };
        let msg = Message { medium, to: to.clone(), subject, body, pool_id: pool.id.to_string(), purpose };
        self.outbox.send(&msg).await.map_err(|e| {
            tracing::error!(error = %e, %medium, "code delivery failed");
            CoreError::CodeDeliveryFailure(format!("Unable to deliver the code by {medium}."))
        })?;
        Ok(CodeDelivery { destination: mask(attribute, &to), medium, attribute: attribute.into() })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks() {
        assert_eq!(super::mask("email", "alice@example.com"), "a***@e***");
        assert_eq!(super::mask("phone_number", "+15555550123"), "+*******0123");
    }
}
