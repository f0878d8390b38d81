//! USER_AUTH, choice-based sign-in. InitiateAuth names the user and, optionally, the
//! `PREFERRED_CHALLENGE`; without one (or with one the user cannot use) the answer is
//! SELECT_CHALLENGE with `AvailableChallenges`, and the client answers with its `ANSWER`.
//!
//! First factors: `PASSWORD` (the password in the same request, or a PASSWORD challenge),
//! `PASSWORD_SRP` (SRP_A, then the usual PASSWORD_VERIFIER), `EMAIL_OTP` and `SMS_OTP` (a
//! one-time code to a verified address, answered with `EMAIL_OTP_CODE`/`SMS_OTP_CODE`). The
//! pool allows them in `Policies.SignInPolicy.AllowedFirstAuthFactors` (PASSWORD when unset);
//! a user is offered those they can use: a password, a verified email, a verified phone. A
//! password goes on to the pool's MFA as any password sign-in does; a one-time code is
//! possession already and signs in, and a pool that requires MFA offers no code factor, so
//! choosing the factor never weakens the pool's MFA. `WEB_AUTHN` is not offered yet.

use super::session::ChallengeSession;
use super::{hides_existence, Attempt, AuthOutcome, AuthParams};
use crate::codes::MessageSource;
use crate::crypto::MasterKey;
use crate::mfa::MFA_CODE_TTL_MS;
use crate::users::username_key;
use crate::views::SignInView;
use crate::{CoreError, CoreResult};
use cognate_model::{
    now_millis, AppClient, ChallengeName, CodePurpose, MfaFactor, MfaMode, User, UserPool, UserStatus,
};
use std::collections::BTreeMap;

/// The first factors the pool allows (`SignInPolicy.AllowedFirstAuthFactors`).
pub(crate) fn allowed_first_factors(pool: &UserPool) -> Vec<String> {
    let listed = pool
        .settings
        .extra
        .get("SignInPolicy")
        .and_then(|p| p.get("AllowedFirstAuthFactors"))
        .and_then(|a| a.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect::<Vec<_>>());
    listed.filter(|l| !l.is_empty()).unwrap_or_else(|| vec!["PASSWORD".into()])
}

fn verified(user: &User, attr: &str) -> bool {
    user.attribute(attr).is_some_and(|v| !v.is_empty())
        && user.attribute(&format!("{attr}_verified")).is_some_and(|v| v == "true")
}

/// The factor a one-time-code challenge uses.
fn otp_factor(c: ChallengeName) -> Option<MfaFactor> {
    match c {
        ChallengeName::EmailOtp => Some(MfaFactor::Email),
        ChallengeName::SmsOtp => Some(MfaFactor::Sms),
        _ => None,
    }
}

/// The first factors `user` may choose (`None`: a name that is no user, whose answer must look
/// like a user's with a password); `passkeys`: the user has registered one.
pub(crate) fn available(pool: &UserPool, user: Option<&User>, passkeys: bool) -> Vec<ChallengeName> {
    let allowed = allowed_first_factors(pool);
    let allows = |f: &str| allowed.iter().any(|a| a == f);
    let mut out = vec![];
    if allows("PASSWORD") && user.is_none_or(|u| u.password_hash.is_some()) {
        out.extend([ChallengeName::Password, ChallengeName::PasswordSrp]);
    }
    let Some(user) = user else { return out };
    // A passkey verifies the user (webauthn-rs requires it): possession and a PIN or biometric.
    // Where the pool requires MFA, it is offered only where it counts as two factors.
    let as_mfa = crate::mfa::passkey_is_mfa(pool, user);
    if allows("WEB_AUTHN") && passkeys && (pool.settings.mfa_configuration != MfaMode::On || as_mfa) {
        out.push(ChallengeName::WebAuthn);
    }
    // A code signs in by itself: a pool that requires MFA offers none.
    if pool.settings.mfa_configuration != MfaMode::On {
        if allows("EMAIL_OTP") && verified(user, "email") {
            out.push(ChallengeName::EmailOtp);
        }
        if allows("SMS_OTP") && verified(user, "phone_number") {
            out.push(ChallengeName::SmsOtp);
        }
    }
    out
}

/// ConfirmSignUp's session for `user`: InitiateAuth (USER_AUTH) with it signs in once.
pub(crate) fn sign_up_session(master: &MasterKey, pool: &UserPool, client: &AppClient, user: &User) -> String {
    let exp = now_millis() + client.settings.auth_session_validity * 60_000;
    let mut s = ChallengeSession::new(
        pool.id.as_str(),
        client.client_id.as_str(),
        &user.username_key,
        ChallengeName::SelectChallenge,
        exp,
    );
    s.signed_up = true;
    s.nonce = crate::crypto::random_hex(16);
    s.seal(master)
}

impl SignInView<'_> {
    /// InitiateAuth with USER_AUTH.
    pub(crate) async fn user_auth_start(
        &self,
        pool: &UserPool,
        client: &AppClient,
        params: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let typed = AuthParams::require(&params.username, "USERNAME")?;
        if let Some(session) = params.session.as_deref().filter(|s| !s.is_empty()) {
            return self.signed_up_sign_in(pool, client, typed, session, params).await;
        }
        let user = self.chooser(pool, client, typed, params).await?;
        let offered = available(pool, user.as_ref(), self.has_passkeys(pool, user.as_ref()).await?);
        let preferred = params.preferred_challenge.as_deref().and_then(ChallengeName::parse);
        match preferred.filter(|c| offered.contains(c)) {
            Some(c) => self.first_factor(pool, client, typed, user, c, params).await,
            None => {
                let s = self.step_session(pool, client, typed, ChallengeName::SelectChallenge);
                Ok(AuthOutcome::Select { session: s.seal(&self.master), available: offered })
            }
        }
    }

    /// InitiateAuth with ConfirmSignUp's session: the confirmed user, once.
    async fn signed_up_sign_in(
        &self,
        pool: &UserPool,
        client: &AppClient,
        typed: &str,
        session: &str,
        params: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let now = now_millis();
        let expired = || CoreError::NotAuthorized("Invalid session for the user, session is expired.".into());
        let s = ChallengeSession::open(
            &self.master,
            session,
            ChallengeName::SelectChallenge,
            client.client_id.as_str(),
            now,
        )?;
        if !s.signed_up {
            return Err(expired());
        }
        let user = self.resolve_user(pool, typed).await.map_err(|_| expired())?;
        if user.username_key != s.user {
            return Err(expired());
        }
        self.check_secret_hash(client, params.secret_hash(), &[typed, &user.username])?;
        self.before_first_factor(pool, client, &user, now).await?;
        let mark =
            cognate_store::StoredCode { code_hash: String::new(), expires_at: s.exp, attempts: 0, created_at: now };
        if !self
            .store
            .claim_code(&pool.id, &user.username_key, &CodePurpose::SignUpSession(s.nonce.clone()).key(), &mark)
            .await?
        {
            return Err(expired());
        }
        self.after_proof(pool, &user)?;
        if user.status != UserStatus::Confirmed {
            return Err(expired());
        }
        self.passwordless_sign_in(pool, client, &user, self.complete_sign_in(pool, client, &user, None)).await
    }

    /// The user a USER_AUTH step names, after the checks every first factor shares (the secret
    /// hash, the lockout, a disabled user); `None` for an unknown name when the client hides
    /// user existence.
    async fn chooser(
        &self,
        pool: &UserPool,
        client: &AppClient,
        typed: &str,
        params: &AuthParams,
    ) -> CoreResult<Option<User>> {
        match self.resolve_user(pool, typed).await {
            Ok(user) => {
                self.check_secret_hash(client, params.secret_hash(), &[typed, &user.username])?;
                self.before_first_factor(pool, client, &user, now_millis()).await?;
                Ok(Some(user))
            }
            Err(CoreError::UserNotFound) => {
                self.check_secret_hash(client, params.secret_hash(), &[typed])?;
                if hides_existence(client) {
                    Ok(None)
                } else {
                    Err(CoreError::UserNotFound)
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Whether the user has a passkey, where the pool allows them (one read, only then).
    pub(crate) async fn has_passkeys(&self, pool: &UserPool, user: Option<&User>) -> CoreResult<bool> {
        match user {
            Some(u) if allowed_first_factors(pool).iter().any(|f| f == "WEB_AUTHN") => {
                Ok(!self.store.list_webauthn_credentials(&pool.id, &u.username_key).await?.is_empty())
            }
            _ => Ok(false),
        }
    }

    /// A challenge session bound to the client and to the name the user typed.
    fn step_session(&self, pool: &UserPool, client: &AppClient, typed: &str, c: ChallengeName) -> ChallengeSession {
        let exp = now_millis() + client.settings.auth_session_validity * 60_000;
        let key = username_key(&pool.settings, typed);
        ChallengeSession::new(pool.id.as_str(), client.client_id.as_str(), &key, c, exp)
    }

    /// Starts (or, with what it needs in `params`, completes) the chosen first factor.
    async fn first_factor(
        &self,
        pool: &UserPool,
        client: &AppClient,
        typed: &str,
        user: Option<User>,
        factor: ChallengeName,
        params: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let params = AuthParams { username: Some(typed.to_string()), ..params.clone() };
        match factor {
            ChallengeName::Password => match params.password.as_deref().filter(|p| !p.is_empty()) {
                Some(password) => self.password_sign_in(pool, client, typed, password, &params).await,
                None => Ok(self.ask(pool, client, typed, factor)),
            },
            ChallengeName::PasswordSrp => match params.srp_a.as_deref().filter(|a| !a.is_empty()) {
                Some(_) => self.srp_start(pool, client, &params).await,
                None => Ok(self.ask(pool, client, typed, factor)),
            },
            ChallengeName::WebAuthn => match user {
                Some(user) => self.webauthn_challenge(pool, client, &user).await,
                None => Err(CoreError::InvalidParameter(format!("{factor} is not available for this user."))),
            },
            _ => {
                let (Some(user), Some(f)) = (user, otp_factor(factor)) else {
                    return Err(CoreError::InvalidParameter(format!("{factor} is not available for this user.")));
                };
                self.send_otp(pool, client, &user, factor, f).await
            }
        }
    }

    /// A PASSWORD or PASSWORD_SRP challenge: the client sends the password or SRP_A next.
    fn ask(&self, pool: &UserPool, client: &AppClient, typed: &str, factor: ChallengeName) -> AuthOutcome {
        let s = self.step_session(pool, client, typed, factor);
        let parameters = BTreeMap::from([("USERNAME".to_string(), typed.to_string())]);
        AuthOutcome::Challenge { name: factor, session: s.seal(&self.master), parameters }
    }

    /// Sends a sign-in code (counted with the MFA codes against flooding) and asks for it.
    async fn send_otp(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        name: ChallengeName,
        factor: MfaFactor,
    ) -> CoreResult<AuthOutcome> {
        let now = now_millis();
        self.count_send(pool, user, now).await?;
        let code = self.issue_code(pool, user, &CodePurpose::SignInOtp(factor).key(), MFA_CODE_TTL_MS).await?;
        let via = self.via(MessageSource::Authentication, Some(client.client_id.as_str()));
        let attr = factor.address_attribute().unwrap_or("email");
        let d = self.deliver_code(pool, user, attr, &code, &via).await?;
        let exp = now + client.settings.auth_session_validity * 60_000;
        let mut s = ChallengeSession::new(pool.id.as_str(), client.client_id.as_str(), &user.username_key, name, exp);
        s.first = true;
        let parameters = BTreeMap::from([
            ("USERNAME".to_string(), user.username.clone()),
            ("CODE_DELIVERY_DELIVERY_MEDIUM".to_string(), d.medium.as_str().to_string()),
            ("CODE_DELIVERY_DESTINATION".to_string(), d.destination),
        ]);
        Ok(AuthOutcome::Challenge { name, session: s.seal(&self.master), parameters })
    }

    /// RespondToAuthChallenge for SELECT_CHALLENGE, PASSWORD and PASSWORD_SRP.
    pub(crate) async fn choice_respond(
        &self,
        pool: &UserPool,
        client: &AppClient,
        challenge: ChallengeName,
        session: Option<&str>,
        responses: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let s = ChallengeSession::answered(&self.master, session, challenge, client.client_id.as_str(), now_millis())?;
        let typed = AuthParams::require(&responses.username, "USERNAME")?;
        if username_key(&pool.settings, typed) != s.user {
            return Err(CoreError::NotAuthorized("Invalid session for the user, session is expired.".into()));
        }
        let chosen = match challenge {
            ChallengeName::SelectChallenge => {
                let answer = AuthParams::require(&responses.answer, "ANSWER")?;
                ChallengeName::parse(answer)
                    .ok_or_else(|| CoreError::InvalidParameter(format!("{answer} is not a sign-in challenge.")))?
            }
            other => other,
        };
        let user = self.chooser(pool, client, typed, responses).await?;
        let passkeys = self.has_passkeys(pool, user.as_ref()).await?;
        if !available(pool, user.as_ref(), passkeys).contains(&chosen) {
            return Err(CoreError::InvalidParameter(format!("{chosen} is not available for this user.")));
        }
        if challenge != ChallengeName::SelectChallenge {
            // The PASSWORD and PASSWORD_SRP challenges need their answer now.
            let given = if chosen == ChallengeName::Password { &responses.password } else { &responses.srp_a };
            AuthParams::require(given, if chosen == ChallengeName::Password { "PASSWORD" } else { "SRP_A" })?;
        }
        self.first_factor(pool, client, typed, user, chosen, responses).await
    }

    /// RespondToAuthChallenge for EMAIL_OTP and SMS_OTP: a first-factor code signs in; an
    /// EMAIL_OTP session of a second factor goes to the MFA step.
    pub(crate) async fn otp_respond(
        &self,
        pool: &UserPool,
        client: &AppClient,
        challenge: ChallengeName,
        session: Option<&str>,
        responses: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let now = now_millis();
        let s = ChallengeSession::answered(&self.master, session, challenge, client.client_id.as_str(), now)?;
        if !s.first {
            return self.mfa_respond_opened(pool, client, challenge, s, responses, now).await;
        }
        let expired = || CoreError::NotAuthorized("Invalid session for the user, session is expired.".into());
        let user = self.store.get_user(&pool.id, &s.user).await?.ok_or_else(expired)?;
        let typed = responses.username.as_deref().unwrap_or(&user.username);
        self.check_secret_hash(client, responses.secret_hash(), &[typed, &user.username])?;
        self.before_first_factor(pool, client, &user, now).await?;
        let factor = otp_factor(challenge).ok_or_else(expired)?;
        let (value, name) = match factor {
            MfaFactor::Sms => (&responses.sms_otp_code, "SMS_OTP_CODE"),
            _ => (&responses.email_otp_code, "EMAIL_OTP_CODE"),
        };
        let code = AuthParams::require(value, name)?;
        match self.check_code(pool, &user, &CodePurpose::SignInOtp(factor).key(), code).await {
            Ok(()) => {}
            Err(CoreError::CodeMismatch(_) | CoreError::LimitExceeded(_)) => {
                self.record_failure(&pool.id, Attempt::User(&user.username_key)).await?;
                return Err(CoreError::CodeMismatch("Invalid code or auth state for the user.".into()));
            }
            Err(e) => return Err(e),
        }
        self.after_proof(pool, &user)?;
        match user.status {
            UserStatus::Unconfirmed => Err(CoreError::UserNotConfirmed("User is not confirmed.".into())),
            UserStatus::ForceChangePassword => Ok(self.new_password_challenge(pool, client, &user, now)),
            _ => self.passwordless_sign_in(pool, client, &user, self.complete_sign_in(pool, client, &user, None)).await,
        }
    }
}

/// The first factors a user has (GetUserAuthFactors' `ConfiguredUserAuthFactors`): `PASSWORD`,
/// `EMAIL_OTP`, `SMS_OTP`, as USER_AUTH would offer them.
pub fn configured_factors(pool: &UserPool, user: &User, passkeys: bool) -> Vec<&'static str> {
    available(pool, Some(user), passkeys)
        .into_iter()
        .filter(|c| *c != ChallengeName::PasswordSrp)
        .map(|c| c.as_str())
        .collect()
}

impl crate::views::UserView<'_> {
    /// GetUserAuthFactors: the caller and the first factors they have.
    pub async fn auth_factors(&self) -> CoreResult<(User, Vec<&'static str>)> {
        let user = self.get_user().await?;
        let pool = self.pool(self.ctx.pool_id()).await?;
        let passkeys = self.passkeys_of(&pool, &user).await?;
        let factors = configured_factors(&pool, &user, passkeys);
        Ok((user, factors))
    }
}

impl crate::views::AdminView<'_> {
    /// AdminGetUserAuthFactors.
    pub async fn auth_factors(
        &self,
        pool_id: &cognate_model::UserPoolId,
        username: &str,
    ) -> CoreResult<(User, Vec<&'static str>)> {
        let pool = self.pool(pool_id).await?;
        let user = self.resolve_user(&pool, username).await?;
        let passkeys = self.passkeys_of(&pool, &user).await?;
        let factors = configured_factors(&pool, &user, passkeys);
        Ok((user, factors))
    }
}

impl crate::Cognate {
    /// Whether the user has registered a passkey.
    async fn passkeys_of(&self, pool: &UserPool, user: &User) -> CoreResult<bool> {
        Ok(!self.store.list_webauthn_credentials(&pool.id, &user.username_key).await?.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognate_model::{PoolSettings, UserPoolId, WebAuthnSettings};

    fn pool(mfa: MfaMode, factor: &str) -> UserPool {
        let mut settings = PoolSettings { mfa_configuration: mfa, ..Default::default() };
        let policy = serde_json::json!({"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN", "EMAIL_OTP"]});
        settings.extra.insert("SignInPolicy".into(), policy);
        settings.webauthn = Some(WebAuthnSettings { factor_configuration: factor.into(), ..Default::default() });
        UserPool { id: UserPoolId::new("us-east-1_choice"), name: "p".into(), created_at: 1, updated_at: 1, settings }
    }

    #[test]
    fn a_pool_that_requires_mfa_offers_passkeys_only_as_two_factors_or_with_passkey_mfa() {
        let attrs = vec![("email".to_string(), "u@example.com".to_string()), ("email_verified".into(), "true".into())];
        let mut user = User::new(
            UserPoolId::new("us-east-1_choice"),
            "u".into(),
            "u".into(),
            "s".into(),
            UserStatus::Confirmed,
            attrs,
            1,
        );
        user.password_hash = Some("x".into());
        use ChallengeName as C;
        let off = pool(MfaMode::Optional, "SINGLE_FACTOR");
        assert_eq!(available(&off, Some(&user), true), [C::Password, C::PasswordSrp, C::WebAuthn, C::EmailOtp]);
        assert_eq!(available(&off, Some(&user), false), [C::Password, C::PasswordSrp, C::EmailOtp]);
        let on_single = pool(MfaMode::On, "SINGLE_FACTOR");
        assert_eq!(available(&on_single, Some(&user), true), [C::Password, C::PasswordSrp]);
        let mut passkey_mfa = user.clone();
        passkey_mfa.mfa.webauthn_enabled = true;
        assert_eq!(available(&on_single, Some(&passkey_mfa), true), [C::Password, C::PasswordSrp, C::WebAuthn]);
        let on_multi = pool(MfaMode::On, "MULTI_FACTOR_WITH_USER_VERIFICATION");
        assert_eq!(available(&on_multi, Some(&user), true), [C::Password, C::PasswordSrp, C::WebAuthn]);
        assert_eq!(
            available(&on_multi, None, false),
            [C::Password, C::PasswordSrp],
            "an unknown name looks like a password user"
        );
    }
}
