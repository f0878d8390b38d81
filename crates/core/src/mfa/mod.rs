//! Multi-factor authentication: the pool's MFA configuration (SetUserPoolMfaConfig), the user's
//! factors and preference (SetUserMFAPreference), and the step after the first factor that asks
//! for SMS_MFA, EMAIL_OTP or SOFTWARE_TOKEN_MFA, lets the user pick (SELECT_MFA_TYPE) or set one
//! up (MFA_SETUP). Wrong codes count toward the same lockout as wrong passwords.

pub(crate) mod totp;

pub use totp::TokenSubject;

use crate::auth::session::ChallengeSession;
use crate::auth::Attempt;
use crate::auth::{AuthOutcome, AuthParams};
use crate::codes::MessageSource;
use crate::views::{AdminView, SignInView, UserView};
use crate::{Cognate, CoreError, CoreResult};
use cognate_model::{
    now_millis, AppClient, ChallengeName, CodePurpose, MfaFactor, MfaMode, SmsConfiguration, User, UserPool, UserPoolId,
};
use cognate_store::StoredCode;
use std::collections::BTreeMap;

/// SMS and email sign-in codes live three minutes.
pub const MFA_CODE_TTL_MS: i64 = 3 * 60_000;
/// At most this many SMS/email sign-in codes per user per window.
pub const MAX_SENDS: i64 = 5;
/// The window of `MAX_SENDS`.
pub const SEND_WINDOW_MS: i64 = 15 * 60_000;

/// `SmsMfaConfiguration`: the message and the SMS configuration as given (kept, echoed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SmsMfa {
    /// `SmsAuthenticationMessage` (contains `{####}`).
    pub message: Option<String>,
    /// `SmsConfiguration`.
    pub configuration: Option<SmsConfiguration>,
}

/// `EmailMfaConfiguration`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmailMfa {
    /// Message (contains `{####}`).
    pub message: Option<String>,
    /// Subject.
    pub subject: Option<String>,
}

/// A pool's MFA configuration, as SetUserPoolMfaConfig takes it and GetUserPoolMfaConfig gives
/// it. In a Set, an absent SMS or email member turns that factor off; an absent mode is kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoolMfaConfig {
    /// The mode.
    pub mode: Option<MfaMode>,
    /// SMS codes, when offered.
    pub sms: Option<SmsMfa>,
    /// Authenticator apps offered.
    pub software_token: bool,
    /// Email codes, when offered.
    pub email: Option<EmailMfa>,
    /// `WebAuthnConfiguration`: the passkeys' relying party (kept when a set omits it).
    pub webauthn: Option<cognate_model::WebAuthnSettings>,
}

/// One factor's part of SetUserMFAPreference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FactorSetting {
    /// `Enabled`.
    pub enabled: Option<bool>,
    /// `PreferredMfa`.
    pub preferred: Option<bool>,
}

/// SetUserMFAPreference / AdminSetUserMFAPreference input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MfaPreference {
    /// `SMSMfaSettings`.
    pub sms: Option<FactorSetting>,
    /// `SoftwareTokenMfaSettings`.
    pub software_token: Option<FactorSetting>,
    /// `EmailMfaSettings`.
    pub email: Option<FactorSetting>,
    /// `WebAuthnMfaSettings.Enabled` (it has no `PreferredMfa`: passkey MFA applies only when a
    /// passkey is the first factor).
    pub webauthn: Option<bool>,
}

impl MfaPreference {
    fn settings(&self) -> [(MfaFactor, Option<FactorSetting>); 3] {
        [(MfaFactor::Sms, self.sms), (MfaFactor::SoftwareToken, self.software_token), (MfaFactor::Email, self.email)]
    }
}

fn code_mismatch() -> CoreError {
    CoreError::CodeMismatch("Invalid code or auth state for the user.".into())
}

fn no_delivery(factor: MfaFactor) -> CoreError {
    CoreError::InvalidParameter(format!("User does not have delivery config set to turn on {factor}"))
}

/// The step after the first factor: a factor's code, a choice, or a setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MfaStep {
    /// Ask for this factor's code.
    Code(MfaFactor),
    /// Let the user pick (SELECT_MFA_TYPE).
    Select,
    /// Set an authenticator app up (MFA_SETUP).
    Setup,
}

/// The factors a pool offers. MFA on without any factor recorded (CreateUserPool or
/// UpdateUserPool with MfaConfiguration, and pools made before factors were stored) means SMS.
pub(crate) fn pool_factors(pool: &UserPool) -> cognate_model::PoolMfa {
    let mut m = pool.settings.mfa.clone();
    let on = pool.settings.mfa_configuration != MfaMode::Off;
    if on && !m.sms && !m.software_token && !m.email {
        m.sms = true;
    }
    m
}

/// The step for a user with these usable factors: the preferred one, the only one, or a choice.
fn chosen_step(user: &User, usable: &[MfaFactor]) -> MfaStep {
    match user.mfa.preferred.filter(|p| usable.contains(p)) {
        Some(p) => MfaStep::Code(p),
        None if usable.len() == 1 => MfaStep::Code(usable[0]),
        None => MfaStep::Select,
    }
}

/// True when the user has somewhere to receive this factor's codes (or an app for TOTP).
fn reachable(user: &User, factor: MfaFactor) -> bool {
    match factor.address_attribute() {
        Some(attr) => user.attribute(attr).is_some(),
        None => true,
    }
}

/// A passkey sign-in satisfies MFA for `user`: the pool counts a verified passkey as two
/// factors (`MULTI_FACTOR_WITH_USER_VERIFICATION`) or the user turned passkey MFA on.
pub(crate) fn passkey_is_mfa(pool: &UserPool, user: &User) -> bool {
    pool.settings.webauthn.as_ref().is_some_and(|w| w.multi_factor()) || user.mfa.webauthn_enabled
}

/// The factors the user can be asked for now: enabled for the user, offered by the pool, and
/// with somewhere to send the code.
pub(crate) fn usable_factors(pool: &UserPool, user: &User) -> Vec<MfaFactor> {
    let offered = pool_factors(pool);
    user.mfa.enabled().into_iter().filter(|f| offered.offers(*f) && reachable(user, *f)).collect()
}

impl Cognate {
    async fn apply_preference(&self, pool: &UserPool, key: &str, p: &MfaPreference) -> CoreResult<()> {
        let preferred = p.settings().iter().filter(|(_, s)| s.and_then(|s| s.preferred) == Some(true)).count();
        if preferred > 1 {
            return Err(CoreError::InvalidParameter("Only one MFA method can be preferred.".into()));
        }
        if p.email.and_then(|s| s.enabled) == Some(true) && !pool.settings.mfa.email {
            return Err(CoreError::InvalidParameter("Email MFA is not enabled for this user pool.".into()));
        }
        self.modify_user_by_key(pool, key, |u| {
            for (factor, setting) in p.settings() {
                let Some(setting) = setting else { continue };
                if let Some(on) = setting.enabled {
                    let able = match factor {
                        MfaFactor::SoftwareToken => u.mfa.totp_secret.is_some(),
                        f => reachable(u, f),
                    };
                    if on && !able {
                        return Err(no_delivery(factor));
                    }
                    u.mfa.set_enabled(factor, on);
                }
                let enabled = u.mfa.enabled().contains(&factor);
                match setting.preferred {
                    Some(true) if !enabled => {
                        return Err(CoreError::InvalidParameter(format!(
                            "{factor} must be enabled to be the preferred MFA method."
                        )))
                    }
                    Some(true) => u.mfa.preferred = Some(factor),
                    _ if u.mfa.preferred == Some(factor) && (!enabled || setting.preferred == Some(false)) => {
                        u.mfa.preferred = None
                    }
                    _ => {}
                }
            }
            if p.webauthn == Some(true) && u.mfa.enabled().is_empty() {
                return Err(CoreError::InvalidParameter(
                    "Passkey MFA needs another MFA method (SMS, TOTP or email) enabled for the user.".into(),
                ));
            }
            if let Some(on) = p.webauthn {
                u.mfa.webauthn_enabled = on;
            }
            // The last other factor turned off takes passkey MFA with it.
            if u.mfa.enabled().is_empty() {
                u.mfa.webauthn_enabled = false;
            }
            Ok(())
        })
        .await?;
        Ok(())
    }
}

impl SignInView<'_> {
    async fn mfa_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        step: MfaStep,
        device: Option<&str>,
        now: i64,
    ) -> CoreResult<AuthOutcome> {
        let mut parameters = BTreeMap::from([("USER_ID_FOR_SRP".to_string(), user.username.clone())]);
        let name = match step {
            MfaStep::Code(factor) => {
                if let Some(attr) = factor.address_attribute() {
                    self.count_send(pool, user, now).await?;
                    let code = self.issue_code(pool, user, &CodePurpose::Mfa(factor).key(), MFA_CODE_TTL_MS).await?;
                    let via = self.via(MessageSource::Authentication, Some(client.client_id.as_str()));
                    let d = self.deliver_code(pool, user, attr, &code, &via).await?;
                    parameters.insert("CODE_DELIVERY_DELIVERY_MEDIUM".into(), d.medium.as_str().into());
                    parameters.insert("CODE_DELIVERY_DESTINATION".into(), d.destination);
                } else if let Some(n) = &user.mfa.totp_name {
                    parameters.insert("FRIENDLY_DEVICE_NAME".into(), n.clone());
                }
                factor.challenge()
            }
            MfaStep::Select => {
                let choices = serde_json::to_string(&usable_factors(pool, user)).unwrap_or_default();
                parameters.insert("MFAS_CAN_CHOOSE".into(), choices);
                ChallengeName::SelectMfaType
            }
            MfaStep::Setup => {
                let choices = serde_json::to_string(&[MfaFactor::SoftwareToken]).unwrap_or_default();
                parameters.insert("MFAS_CAN_SETUP".into(), choices);
                ChallengeName::MfaSetup
            }
        };
        let exp = now + client.settings.auth_session_validity * 60_000;
        let mut session =
            ChallengeSession::new(pool.id.as_str(), client.client_id.as_str(), &user.username_key, name, exp);
        session.device = device.map(String::from);
        session.nonce = crate::crypto::random_hex(16);
        Ok(AuthOutcome::Challenge { name, session: session.seal(&self.master), parameters })
    }

    /// Counts a sign-in code sent to the user: more than `MAX_SENDS` in `SEND_WINDOW_MS` is
    /// refused (LimitExceeded), so a stolen password cannot flood a phone or a mailbox.
    pub(crate) async fn count_send(&self, pool: &UserPool, user: &User, now: i64) -> CoreResult<()> {
        let purpose = CodePurpose::MfaSends.key();
        match self.store.get_code(&pool.id, &user.username_key, &purpose).await? {
            Some(c) if c.expires_at > now => {
                if c.attempts >= MAX_SENDS {
                    return Err(CoreError::LimitExceeded("Attempt limit exceeded, please try after some time.".into()));
                }
                self.store.bump_code_attempts(&pool.id, &user.username_key, &purpose).await?;
            }
            _ => {
                let c = StoredCode {
                    code_hash: String::new(),
                    expires_at: now + SEND_WINDOW_MS,
                    attempts: 1,
                    created_at: now,
                };
                self.store.put_code(&pool.id, &user.username_key, &purpose, &c).await?;
            }
        }
        Ok(())
    }
}

fn pool_mfa_view(pool: &UserPool) -> PoolMfaConfig {
    let s = &pool.settings;
    let f = pool_factors(pool);
    PoolMfaConfig {
        mode: Some(s.mfa_configuration),
        sms: f.sms.then(|| SmsMfa {
            message: s.sms_authentication_message.clone(),
            configuration: s.sms_configuration.clone(),
        }),
        software_token: f.software_token,
        email: f.email.then(|| EmailMfa { message: s.mfa.email_message.clone(), subject: s.mfa.email_subject.clone() }),
        webauthn: None,
    }
}

impl AdminView<'_> {
    /// SetUserPoolMfaConfig.
    pub async fn set_pool_mfa_config(&self, id: &UserPoolId, cfg: PoolMfaConfig) -> CoreResult<PoolMfaConfig> {
        let mut pool = self.pool(id).await?;
        let has_code = |m: &Option<String>| m.as_deref().is_none_or(|m| m.contains("{####}"));
        if !cfg.sms.as_ref().is_none_or(|s| has_code(&s.message)) {
            return Err(CoreError::InvalidParameter("SmsAuthenticationMessage must contain {####}.".into()));
        }
        if !cfg.email.as_ref().is_none_or(|e| has_code(&e.message)) {
            return Err(CoreError::InvalidParameter("EmailMfaConfiguration.Message must contain {####}.".into()));
        }
        let mode = cfg.mode.unwrap_or(pool.settings.mfa_configuration);
        if mode != MfaMode::Off && cfg.sms.is_none() && !cfg.software_token && cfg.email.is_none() {
            return Err(CoreError::InvalidParameter(format!(
                "Invalid MFA configuration given: MFA {mode} needs at least one of SMS, software token or email MFA."
            )));
        }
        if let Some(w) = &cfg.webauthn {
            if !matches!(w.factor_configuration.as_str(), "SINGLE_FACTOR" | "MULTI_FACTOR_WITH_USER_VERIFICATION") {
                return Err(CoreError::InvalidParameter(
                    "FactorConfiguration must be SINGLE_FACTOR or MULTI_FACTOR_WITH_USER_VERIFICATION.".into(),
                ));
            }
            if !matches!(w.user_verification.as_str(), "required" | "preferred") {
                return Err(CoreError::InvalidParameter("UserVerification must be required or preferred.".into()));
            }
            if w.relying_party_id.as_deref().is_some_and(|id| id.is_empty() || id.contains('/') || id.contains(':')) {
                return Err(CoreError::InvalidParameter("RelyingPartyId must be a host name.".into()));
            }
        }
        let s = &mut pool.settings;
        if let Some(w) = cfg.webauthn {
            s.webauthn = Some(w);
        }
        s.mfa_configuration = mode;
        s.mfa.sms = cfg.sms.is_some();
        s.mfa.software_token = cfg.software_token;
        s.mfa.email = cfg.email.is_some();
        if let Some(sms) = cfg.sms {
            if let Some(m) = sms.message {
                s.sms_authentication_message = Some(m);
            }
            if let Some(c) = sms.configuration {
                s.sms_configuration = Some(c);
            }
        }
        if let Some(e) = cfg.email {
            s.mfa.email_message = e.message;
            s.mfa.email_subject = e.subject;
        }
        pool.updated_at = now_millis();
        self.store.update_pool(&pool).await?;
        Ok(self.mfa_view(&pool))
    }

    /// GetUserPoolMfaConfig.
    pub async fn get_pool_mfa_config(&self, id: &UserPoolId) -> CoreResult<PoolMfaConfig> {
        Ok(self.mfa_view(&self.pool(id).await?))
    }

    /// The pool's MFA settings, with the passkeys' relying party as it applies.
    fn mfa_view(&self, pool: &UserPool) -> PoolMfaConfig {
        PoolMfaConfig { webauthn: Some(crate::webauthn::configuration(self.svc, pool)), ..pool_mfa_view(pool) }
    }

    /// AdminSetUserMFAPreference.
    pub async fn set_mfa_preference(&self, pool_id: &UserPoolId, username: &str, p: &MfaPreference) -> CoreResult<()> {
        let pool = self.pool(pool_id).await?;
        let user = self.resolve_user(&pool, username).await?;
        self.apply_preference(&pool, &user.username_key, p).await
    }
}

impl UserView<'_> {
    /// SetUserMFAPreference (with an access token).
    pub async fn set_mfa_preference(&self, p: &MfaPreference) -> CoreResult<()> {
        let (pool, user) = self.ctx_user(self.ctx).await?;
        self.apply_preference(&pool, &user.username_key, p).await
    }
}

impl SignInView<'_> {
    /// After the first factor: `Some(challenge)` when the pool and the user call for MFA.
    /// `device` is a remembered device that already proved itself (its key goes into the tokens).
    pub(crate) async fn mfa_gate(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        device: Option<&str>,
        now: i64,
    ) -> CoreResult<Option<AuthOutcome>> {
        let mode = pool.settings.mfa_configuration;
        if mode == MfaMode::Off {
            return Ok(None);
        }
        let usable = usable_factors(pool, user);
        let step = if usable.is_empty() {
            if mode == MfaMode::Optional {
                return Ok(None);
            }
            // MFA is required and the user has chosen nothing: a code to where we can send one,
            // or an authenticator app to set up.
            let m = &pool_factors(pool);
            if m.sms && reachable(user, MfaFactor::Sms) {
                MfaStep::Code(MfaFactor::Sms)
            } else if m.email && reachable(user, MfaFactor::Email) {
                MfaStep::Code(MfaFactor::Email)
            } else if m.software_token {
                MfaStep::Setup
            } else {
                return Err(CoreError::NotAuthorized(
                    "The user pool requires MFA and the user has no phone number or email to receive a code.".into(),
                ));
            }
        } else {
            chosen_step(user, &usable)
        };
        self.mfa_challenge(pool, client, user, step, device, now).await.map(Some)
    }

    /// MFA that threat protection asks for at a risky sign-in, whatever the pool's and the
    /// user's MFA settings: the user's factors, else a code to where the pool can send one.
    /// `None`: the user has no factor at all ("MFA if configured" then lets them in).
    pub(crate) async fn mfa_forced(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        device: Option<&str>,
        now: i64,
    ) -> CoreResult<Option<AuthOutcome>> {
        let usable = usable_factors(pool, user);
        let step = if usable.is_empty() {
            let m = &pool.settings.mfa;
            if m.sms && reachable(user, MfaFactor::Sms) {
                MfaStep::Code(MfaFactor::Sms)
            } else if m.email && reachable(user, MfaFactor::Email) {
                MfaStep::Code(MfaFactor::Email)
            } else {
                return Ok(None);
            }
        } else {
            chosen_step(user, &usable)
        };
        self.mfa_challenge(pool, client, user, step, device, now).await.map(Some)
    }

    /// RespondToAuthChallenge for SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE and
    /// MFA_SETUP.
    pub(crate) async fn mfa_respond(
        &self,
        pool: &UserPool,
        client: &AppClient,
        challenge: ChallengeName,
        session: Option<&str>,
        responses: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let now = now_millis();
        let s = ChallengeSession::answered(&self.master, session, challenge, client.client_id.as_str(), now)?;
        self.mfa_respond_opened(pool, client, challenge, s, responses, now).await
    }

    /// [`Self::mfa_respond`] with its session opened.
    pub(crate) async fn mfa_respond_opened(
        &self,
        pool: &UserPool,
        client: &AppClient,
        challenge: ChallengeName,
        s: ChallengeSession,
        responses: &AuthParams,
        now: i64,
    ) -> CoreResult<AuthOutcome> {
        let expired = || CoreError::NotAuthorized("Invalid session for the user, session is expired.".into());
        let user = self.store.get_user(&pool.id, &s.user).await?.ok_or_else(expired)?;
        let typed = responses.username.as_deref().unwrap_or(&user.username);
        self.check_secret_hash(client, responses.secret_hash(), &[typed, &user.username])?;
        if self.locked(&pool.id, Attempt::User(&user.username_key), now).await? {
            return Err(crate::auth::attempts_exceeded());
        }
        if !user.enabled {
            return Err(CoreError::NotAuthorized("User is disabled.".into()));
        }
        match (challenge, MfaFactor::of_challenge(challenge)) {
            (ChallengeName::SelectMfaType, _) => {
                let answer = AuthParams::require(&responses.answer, "ANSWER")?;
                let chosen = MfaFactor::parse(answer).filter(|f| usable_factors(pool, &user).contains(f));
                let Some(factor) = chosen else {
                    return Err(CoreError::InvalidParameter(format!("{answer} is not an MFA method of this user.")));
                };
                return self.mfa_challenge(pool, client, &user, MfaStep::Code(factor), s.device.as_deref(), now).await;
            }
            (_, Some(MfaFactor::SoftwareToken)) => {
                let code = AuthParams::require(&responses.software_token_mfa_code, "SOFTWARE_TOKEN_MFA_CODE")?;
                self.check_totp_sign_in(pool, &user, code, now).await?;
            }
            (_, Some(factor)) => {
                let (value, name) = responses.code(factor);
                let code = AuthParams::require(value, name)?;
                match self.check_code(pool, &user, &CodePurpose::Mfa(factor).key(), code).await {
                    Ok(()) => {}
                    Err(CoreError::CodeMismatch(_) | CoreError::LimitExceeded(_)) => {
                        self.record_failure(&pool.id, Attempt::User(&user.username_key)).await?;
                        return Err(code_mismatch());
                    }
                    Err(e) => return Err(e),
                }
            }
            _ => {
                // MFA_SETUP: VerifySoftwareToken must have accepted a code in this session; the
                // finished session is good for one sign-in.
                if !s.verified {
                    return Err(CoreError::InvalidParameter(
                        "Set up an authenticator app (AssociateSoftwareToken, VerifySoftwareToken) first.".into(),
                    ));
                }
                let mark = StoredCode { code_hash: String::new(), expires_at: s.exp, attempts: 0, created_at: now };
                let purpose = CodePurpose::MfaSetup(s.nonce.clone()).key();
                if !self.store.claim_code(&pool.id, &user.username_key, &purpose, &mark).await? {
                    return Err(expired());
                }
            }
        }
        self.complete_sign_in(pool, client, &user, s.device.as_deref()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognate_model::{ClientId, ClientSettings};

    #[test]
    fn pools_with_mfa_on_and_no_recorded_factor_offer_sms() {
        let mut pool = UserPool {
            id: cognate_model::UserPoolId::new("us-east-1_Legacy123"),
            name: "p".into(),
            created_at: 1,
            updated_at: 1,
            settings: Default::default(),
        };
        pool.settings.mfa_configuration = MfaMode::On;
        assert!(pool_factors(&pool).sms);
        pool.settings.mfa_configuration = MfaMode::Off;
        assert!(!pool_factors(&pool).sms);
        pool.settings.mfa_configuration = MfaMode::Optional;
        pool.settings.mfa.software_token = true;
        assert!(!pool_factors(&pool).sms && pool_factors(&pool).software_token);
    }

    /// An SMS code past its three minutes is refused even when it is right; so is a session
    /// past its validity.
    #[tokio::test]
    async fn expired_codes_and_sessions_are_refused() {
        let (svc, mut pool, user) = crate::tests::service().await;
        pool.settings.mfa_configuration = MfaMode::Optional;
        pool.settings.mfa.sms = true;
        svc.store.update_pool(&pool).await.unwrap();
        let client = AppClient {
            pool_id: pool.id.clone(),
            client_id: ClientId::new("client1"),
            name: "c".into(),
            secret_sealed: None,
            created_at: 1,
            updated_at: 1,
            settings: ClientSettings::default(),
        };
        let now = now_millis();
        let purpose = CodePurpose::Mfa(MfaFactor::Sms).key();
        let code = svc.issue_code(&pool, &user, &purpose, MFA_CODE_TTL_MS).await.unwrap();
        let mut stored = svc.store.get_code(&pool.id, &user.username_key, "mfa:SMS_MFA").await.unwrap().unwrap();
        stored.expires_at = now - 1;
        svc.store.put_code(&pool.id, &user.username_key, "mfa:SMS_MFA", &stored).await.unwrap();
        let session = |exp: i64| {
            ChallengeSession::new(pool.id.as_str(), "client1", &user.username_key, ChallengeName::SmsMfa, exp)
                .seal(&svc.master)
        };
        let responses = AuthParams { sms_mfa_code: Some(code.clone()), ..Default::default() };
        let rc = crate::RequestContext::internal();
        let r = svc
            .sign_in(&rc)
            .mfa_respond(&pool, &client, ChallengeName::SmsMfa, Some(&session(now + 60_000)), &responses)
            .await;
        assert!(matches!(r, Err(CoreError::ExpiredCode(_))), "{r:?}");
        let r = svc
            .sign_in(&rc)
            .mfa_respond(&pool, &client, ChallengeName::SmsMfa, Some(&session(now - 1)), &responses)
            .await;
        assert!(matches!(r, Err(CoreError::NotAuthorized(m)) if m.contains("session is expired")));
    }
}
