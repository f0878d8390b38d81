//! Self-service sign-up and recovery: SignUp, ConfirmSignUp, ResendConfirmationCode,
//! ForgotPassword, ConfirmForgotPassword. All public: authorized by the app client (and its
//! secret hash), never by SigV4.

use crate::attributes::{check_required, check_write};
use crate::auth::hides_existence;
use crate::codes::{mask, CodeDelivery, MessageSource, RESET_TTL_MS, VERIFY_TTL_MS};
use crate::timing::Answer;
use crate::triggers::Trigger;
use crate::users::{create_error, identity, sign_in_keys, username_key};
use crate::views::AccountView;
use crate::{Cognate, CoreError, CoreResult};
use cognate_model::risk::{AuthEventKind, CredentialEvent};
use cognate_model::{
    now_millis, AppClient, CodePurpose, DeliveryMedium, ExistenceErrors, RecoveryMechanism, User, UserPool, UserStatus,
};
use std::time::Instant;

/// SignUp input.
#[derive(Debug, Clone, Default)]
pub struct SignUpInput {
    /// App client.
    pub client_id: String,
    /// `SecretHash`, when the client has a secret.
    pub secret_hash: Option<String>,
    /// Requested user name (an email or phone in username-attribute pools).
    pub username: String,
    /// Password; none for a passwordless user, where the pool allows a code as first factor.
    pub password: Option<String>,
    /// Attributes.
    pub attributes: Vec<(String, String)>,
}

/// SignUp output.
#[derive(Debug, Clone)]
pub struct SignUpResult {
    /// The new user's sub.
    pub user_sub: String,
    /// Whether the user is already confirmed (no auto-verified attributes: no).
    pub confirmed: bool,
    /// Where the confirmation code went.
    pub delivery: Option<CodeDelivery>,
}

/// The attribute a confirmation code goes to: phone first (Cognito's order), then email.
fn verification_target(pool: &UserPool, user: &User) -> Option<&'static str> {
    ["phone_number", "email"]
        .into_iter()
        .find(|a| pool.settings.auto_verified_attributes.iter().any(|x| x == a) && user.attribute(a).is_some())
}

/// The attribute a password-reset code goes to, by `AccountRecoverySetting` priority
/// (default: verified phone, then verified email).
pub(crate) fn recovery_target(pool: &UserPool, user: &User) -> Option<&'static str> {
    let mut order: Vec<(i64, &'static str)> = match &pool.settings.account_recovery {
        Some(r) => r
            .recovery_mechanisms
            .iter()
            .filter_map(|m| match m.name {
                RecoveryMechanism::VerifiedEmail => Some((m.priority, "email")),
                RecoveryMechanism::VerifiedPhoneNumber => Some((m.priority, "phone_number")),
                RecoveryMechanism::AdminOnly => None,
            })
            .collect(),
        None => vec![(1, "phone_number"), (2, "email")],
    };
    order.sort();
    order.into_iter().map(|(_, a)| a).find(|a| user.attribute(a).is_some() && user.is_verified(a))
}

fn code_mismatch() -> CoreError {
    CoreError::CodeMismatch("Invalid verification code provided, please try again.".into())
}

/// The attributes a pool sends codes of `purpose` to, in its order of preference.
fn preferred_attributes(pool: &UserPool, recovery: bool) -> Vec<&'static str> {
    if recovery {
        let mut order: Vec<(i64, &'static str)> = match &pool.settings.account_recovery {
            Some(r) => r
                .recovery_mechanisms
                .iter()
                .filter_map(|m| match m.name {
                    RecoveryMechanism::VerifiedEmail => Some((m.priority, "email")),
                    RecoveryMechanism::VerifiedPhoneNumber => Some((m.priority, "phone_number")),
                    RecoveryMechanism::AdminOnly => None,
                })
                .collect(),
            None => vec![(1, "phone_number"), (2, "email")],
        };
        order.sort();
        // The attributes the pool verifies are the ones its users can recover with.
        let verified: Vec<&'static str> = order
            .iter()
            .map(|(_, a)| *a)
            .filter(|a| pool.settings.auto_verified_attributes.iter().any(|x| x == a))
            .collect();
        if verified.is_empty() {
            order.into_iter().map(|(_, a)| a).collect()
        } else {
            verified
        }
    } else {
        ["phone_number", "email"]
            .into_iter()
            .filter(|a| pool.settings.auto_verified_attributes.iter().any(|x| x == a))
            .collect()
    }
}

impl Cognate {
    /// Where a code "went" for a name that gets no code (unknown, disabled, or nothing to send
    /// to, when the client prevents user-existence errors): what the name's format and the
    /// pool's settings make plausible, the same every time for the same name (Cognito:
    /// "determined by the input user name format and verification settings of the user pool").
    fn simulated_delivery(&self, pool: &UserPool, username: &str, recovery: bool) -> CodeDelivery {
        let seed = self.master.keyed_hash(&format!("simulated-delivery:{}", pool.id), username);
        let attribute = if crate::attributes::is_phone(username) {
            "phone_number"
        } else if crate::attributes::is_email(username) {
            "email"
        } else {
            preferred_attributes(pool, recovery).first().copied().unwrap_or("email")
        };
        let shown = match attribute {
            _ if crate::attributes::is_phone(username) || crate::attributes::is_email(username) => username.to_string(),
            "phone_number" => {
                let digits: String = seed.bytes().filter(u8::is_ascii_digit).take(10).map(char::from).collect();
                format!("+1{digits:0>10}")
            }
            _ => {
                let letter = (b'a' + (u8::from_str_radix(&seed[..2], 16).unwrap_or(0) % 26)) as char;
                format!("{username}@{letter}.invalid")
            }
        };
        CodeDelivery {
            destination: mask(attribute, &shown),
            medium: DeliveryMedium::of_attribute(attribute),
            attribute: attribute.into(),
        }
    }

    /// Looks the user up for a public recovery call; with existence errors prevented, an unknown
    /// user gives `None` instead of `UserNotFoundException`.
    async fn public_user(&self, pool: &UserPool, client: &AppClient, username: &str) -> CoreResult<Option<User>> {
        match self.resolve_user(pool, username).await {
            Ok(u) => Ok(Some(u)),
            Err(CoreError::UserNotFound)
                if client.settings.prevent_user_existence_errors == ExistenceErrors::Enabled =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Takes an alias away from whoever holds it (ForceAliasCreation): their attribute becomes
    /// unverified.
    pub(crate) async fn release_alias(&self, pool: &UserPool, attr: &str, value: &str) -> CoreResult<()> {
        let key = format!("{attr}:{}", if attr == "email" { value.to_lowercase() } else { value.to_string() });
        if let Some(holder) = self.store.find_key(&pool.id, &key).await? {
            self.modify_user_by_key(pool, &holder, |u| {
                u.set_attribute(&format!("{attr}_verified"), "false");
                Ok(())
            })
            .await?;
        }
        Ok(())
    }
}

impl AccountView<'_> {
    /// SignUp. Errors: UsernameExists, InvalidPassword, InvalidParameter, NotAuthorized (secret
    /// hash, admin-only pool), CodeDeliveryFailure (the user stays, unconfirmed).
    pub async fn sign_up(&self, input: SignUpInput) -> CoreResult<SignUpResult> {
        let (client, pool) = self.client_and_pool(&input.client_id).await?;
        self.check_secret_hash(&client, input.secret_hash.as_deref(), &[&input.username])?;
        let s = &pool.settings;
        if s.admin_create_user.allow_admin_create_user_only {
            return Err(CoreError::NotAuthorized("SignUp is not permitted for this user pool".into()));
        }
        let writable = &client.settings.write_attributes;
        let mut attrs: Vec<(String, String)> = vec![];
        for (n, v) in &input.attributes {
            if !writable.is_empty() && !writable.contains(n) {
                return Err(CoreError::NotAuthorized(format!(
                    "A client attempted to write unauthorized attribute {n}"
                )));
            }
            check_write(s, n, v, true)?;
            attrs.retain(|(k, _)| k != n);
            attrs.push((n.clone(), crate::attributes::normalized(s, n, v)));
        }
        let (username, sub) = identity(s, &input.username, &mut attrs)?;
        check_required(s, &attrs)?;
        let mut compromised = false;
        let material = match input.password.as_deref() {
            Some(password) => {
                compromised = self.check_new_password(&pool, Some(&client), CredentialEvent::SignUp, password)?;
                Some(self.password_material(&pool.id, &username, password).await?)
            }
            None => {
                // Passwordless: the user signs in with a code (USER_AUTH), which the pool must allow.
                let allowed = crate::auth::allowed_first_factors(&pool);
                if !allowed.iter().any(|f| f == "EMAIL_OTP" || f == "SMS_OTP" || f == "WEB_AUTHN") {
                    return Err(CoreError::InvalidParameter(
                        "Password is required: the user pool allows no passwordless sign-in.".into(),
                    ));
                }
                None
            }
        };
        let now = now_millis();
        let key = username_key(s, &username);
        let call = self.call(Trigger::PreSignUp, "PreSignUp_SignUp", &pool, &username, Some(&input.client_id));
        let decided = self.pre_sign_up(&call, &attrs).await?.unwrap_or_default();
        let status = if decided.auto_confirm { UserStatus::Confirmed } else { UserStatus::Unconfirmed };
        let mut user = User::new(pool.id.clone(), username, key, sub.clone(), status, attrs, now);
        decided.apply(&mut user);
        if let Some(m) = material {
            m.apply(&mut user);
        }
        self.store.create_user(&user, &sign_in_keys(s, &user)).await.map_err(|e| create_error(&pool, e))?;
        self.record_plain_event(&pool, Some(&client), &user, self.req, AuthEventKind::SignUp, compromised).await?;
        let target = verification_target(&pool, &user).filter(|a| !user.is_verified(a));
        let delivery = match target {
            Some(attr) if !decided.auto_confirm => {
                let code = self.issue_code(&pool, &user, &CodePurpose::SignUp.key(), VERIFY_TTL_MS).await?;
                let via = self.via(MessageSource::SignUp, Some(&input.client_id));
                Some(self.deliver_code(&pool, &user, attr, &code, &via).await?)
            }
            _ => None,
        };
        Ok(SignUpResult { user_sub: sub, confirmed: decided.auto_confirm, delivery })
    }

    /// ConfirmSignUp. Returns a `Session` that signs the user in once through USER_AUTH
    /// (InitiateAuth with it, within the client's `AuthSessionValidity`). Errors: CodeMismatch,
    /// ExpiredCode, LimitExceeded, NotAuthorized (already confirmed), UserNotFound, AliasExists.
    pub async fn confirm_sign_up(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
        code: &str,
        force_alias: bool,
    ) -> CoreResult<String> {
        let started = Instant::now();
        let (client, pool) = self.client_and_pool(client_id).await?;
        let hide = hides_existence(&client);
        let user = self.public_user(&pool, &client, username).await?;
        let names: Vec<&str> = [username].into_iter().chain(user.as_ref().map(|u| u.username.as_str())).collect();
        self.check_secret_hash(&client, secret_hash, &names)?;
        // With existence errors prevented, a user that cannot be confirmed (unknown, disabled,
        // confirmed already) gets the answer of a wrong code, as long in coming.
        let user = match user {
            Some(u) if hide && !(u.enabled && u.status == UserStatus::Unconfirmed) => None,
            u => u,
        };
        let Some(user) = user else {
            self.timing.pad(Answer::SignUpCodeRefused, started).await;
            return Err(code_mismatch());
        };
        if user.status != UserStatus::Unconfirmed {
            return Err(CoreError::NotAuthorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status.as_str()
            )));
        }
        let target = verification_target(&pool, &user);
        if let Err(e) = self.check_code(&pool, &user, &CodePurpose::SignUp.key(), code).await {
            self.timing.record(Answer::SignUpCodeRefused, started.elapsed());
            return Err(e);
        }
        let confirmed = |u: &mut User| {
            u.status = UserStatus::Confirmed;
            if let Some(a) = target {
                u.set_attribute(&format!("{a}_verified"), "true");
            }
            Ok(())
        };
        let updated = match self.modify_user_by_key(&pool, &user.username_key, confirmed).await {
            Err(CoreError::AliasExists(_)) if force_alias => {
                if let Some(a) = target {
                    self.release_alias(&pool, a, user.attribute(a).unwrap_or_default()).await?;
                }
                self.modify_user_by_key(&pool, &user.username_key, confirmed).await?
            }
            other => other?,
        };
        let source = "PostConfirmation_ConfirmSignUp";
        let call = self.call(Trigger::PostConfirmation, source, &pool, &updated.username, Some(client_id));
        self.post_confirmation(&call, &updated).await?;
        Ok(crate::auth::sign_up_session(&self.master, &pool, &client, &updated))
    }

    /// ResendConfirmationCode. Errors: InvalidParameter (already confirmed), UserNotFound (LEGACY).
    /// With existence errors prevented, an unknown, disabled or already confirmed user gets a
    /// simulated delivery, as long in coming as a real one.
    pub async fn resend_confirmation_code(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
    ) -> CoreResult<CodeDelivery> {
        let started = Instant::now();
        let (client, pool) = self.client_and_pool(client_id).await?;
        let hide = hides_existence(&client);
        let user = self.public_user(&pool, &client, username).await?;
        let names: Vec<&str> = [username].into_iter().chain(user.as_ref().map(|u| u.username.as_str())).collect();
        self.check_secret_hash(&client, secret_hash, &names)?;
        let target = user.as_ref().and_then(|u| verification_target(&pool, u));
        let user = match user {
            Some(u) if hide && !(u.enabled && u.status == UserStatus::Unconfirmed && target.is_some()) => None,
            u => u,
        };
        let Some(user) = user else {
            let d = self.simulated_delivery(&pool, username, false);
            self.timing.pad(Answer::SignUpCodeSent, started).await;
            return Ok(d);
        };
        if user.status != UserStatus::Unconfirmed {
            return Err(CoreError::InvalidParameter("User is already confirmed.".into()));
        }
        let attr = target.ok_or_else(|| {
            CoreError::InvalidParameter("The user pool has no auto-verified attribute for this user.".into())
        })?;
        let code = self.issue_code(&pool, &user, &CodePurpose::SignUp.key(), VERIFY_TTL_MS).await?;
        let d =
            self.deliver_code(&pool, &user, attr, &code, &self.via(MessageSource::ResendCode, Some(client_id))).await?;
        self.timing.record(Answer::SignUpCodeSent, started.elapsed());
        Ok(d)
    }

    /// ForgotPassword. Errors: InvalidParameter (no verified contact), UserNotFound (LEGACY),
    /// NotAuthorized (disabled; a pool whose recovery is admin-only), CodeDeliveryFailure. With
    /// existence errors prevented, an unknown or disabled user, or one with nowhere to send a
    /// code, gets a simulated delivery as long in coming as a real one.
    pub async fn forgot_password(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
    ) -> CoreResult<CodeDelivery> {
        let started = Instant::now();
        let (client, pool) = self.client_and_pool(client_id).await?;
        let admin_only = pool
            .settings
            .account_recovery
            .as_ref()
            .is_some_and(|r| r.recovery_mechanisms.iter().any(|m| m.name == RecoveryMechanism::AdminOnly));
        if admin_only {
            // The same answer for everyone: nobody resets their own password here.
            return Err(CoreError::NotAuthorized("Contact administrator to reset password.".into()));
        }
        let hide = hides_existence(&client);
        let user = match self.public_user(&pool, &client, username).await {
            Ok(None) | Err(CoreError::UserNotFound) if Cognate::has_trigger(&pool, Trigger::UserMigration) => {
                self.check_secret_hash(&client, secret_hash, &[username])?;
                match self.migrate_user(&pool, &client, username, None, self.req).await? {
                    Some(u) => Some(u),
                    None if hide => None,
                    None => return Err(CoreError::UserNotFound),
                }
            }
            other => other?,
        };
        let names: Vec<&str> = [username].into_iter().chain(user.as_ref().map(|u| u.username.as_str())).collect();
        self.check_secret_hash(&client, secret_hash, &names)?;
        let target = user.as_ref().and_then(|u| recovery_target(&pool, u));
        let user = match user {
            Some(u) if hide && !(u.enabled && target.is_some()) => None,
            u => u,
        };
        let Some(user) = user else {
            let d = self.simulated_delivery(&pool, username, true);
            self.timing.pad(Answer::ResetCodeSent, started).await;
            return Ok(d);
        };
        if !user.enabled {
            return Err(CoreError::NotAuthorized("User is disabled.".into()));
        }
        let attr = target.ok_or_else(|| {
            CoreError::InvalidParameter(
                "Cannot reset password for the user as there is no registered/verified email or phone_number".into(),
            )
        })?;
        let code = self.issue_code(&pool, &user, &CodePurpose::Reset.key(), RESET_TTL_MS).await?;
        let via = self.via(MessageSource::ForgotPassword, Some(client_id));
        let d = self.deliver_code(&pool, &user, attr, &code, &via).await?;
        self.timing.record(Answer::ResetCodeSent, started.elapsed());
        Ok(d)
    }

    /// ConfirmForgotPassword: sets the password, confirms the user, ends every session.
    /// Errors: CodeMismatch, ExpiredCode, LimitExceeded, InvalidPassword.
    pub async fn confirm_forgot_password(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
        code: &str,
        password: &str,
    ) -> CoreResult<()> {
        let started = Instant::now();
        let (client, pool) = self.client_and_pool(client_id).await?;
        let hide = hides_existence(&client);
        let user = self.public_user(&pool, &client, username).await?;
        let names: Vec<&str> = [username].into_iter().chain(user.as_ref().map(|u| u.username.as_str())).collect();
        self.check_secret_hash(&client, secret_hash, &names)?;
        let compromised = self.check_new_password(&pool, Some(&client), CredentialEvent::PasswordChange, password)?;
        // Cognito: CodeMismatchException for users that don't exist or are disabled.
        let user = match user {
            Some(u) if hide && !u.enabled => None,
            u => u,
        };
        let Some(user) = user else {
            self.timing.pad(Answer::ResetCodeRefused, started).await;
            return Err(code_mismatch());
        };
        if let Err(e) = self.check_code(&pool, &user, &CodePurpose::Reset.key(), code).await {
            self.timing.record(Answer::ResetCodeRefused, started.elapsed());
            return Err(e);
        }
        let material = self.password_material(&pool.id, &user.username, password).await?;
        let updated = self
            .modify_user_by_key(&pool, &user.username_key, |u| {
                material.apply(u);
                u.status = UserStatus::Confirmed;
                Ok(())
            })
            .await?;
        self.store.clear_failures(&pool.id, &user.username_key).await?;
        self.revoke_all_sessions(&pool.id, &user.username_key).await?;
        let kind = AuthEventKind::ForgotPassword;
        self.record_plain_event(&pool, Some(&client), &updated, self.req, kind, compromised).await?;
        let source = "PostConfirmation_ConfirmForgotPassword";
        let call = self.call(Trigger::PostConfirmation, source, &pool, &updated.username, Some(client_id));
        self.post_confirmation(&call, &updated).await
    }
}
