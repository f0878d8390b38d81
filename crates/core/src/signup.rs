//! Self-service sign-up and recovery: SignUp, ConfirmSignUp, ResendConfirmationCode,
//! ForgotPassword, ConfirmForgotPassword. All public: authorized by the app client (and its
//! secret hash), never by SigV4.

use crate::attributes::{check_required, check_write};
use crate::codes::{mask, CodeDelivery, CodeKind, RESET_TTL_MS, VERIFY_TTL_MS};
use crate::password::check_policy;
use crate::users::{create_error, identity, sign_in_keys, username_key};
use crate::views::AccountView;
use crate::{Cognate, CoreError, CoreResult};
use cognate_model::{
    now_millis, AppClient, CodePurpose, DeliveryMedium, ExistenceErrors, RecoveryMechanism, User, UserPool, UserStatus,
};

/// SignUp input.
#[derive(Debug, Clone, Default)]
pub struct SignUpInput {
    /// App client.
    pub client_id: String,
    /// `SecretHash`, when the client has a secret.
    pub secret_hash: Option<String>,
    /// Requested user name (an email or phone in username-attribute pools).
    pub username: String,
    /// Password.
    pub password: String,
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
fn recovery_target(pool: &UserPool, user: &User) -> Option<&'static str> {
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

fn fake_delivery(username: &str) -> CodeDelivery {
    let attribute = if username.starts_with('+') { "phone_number" } else { "email" };
    let shown = if attribute == "email" && !username.contains('@') {
        format!("{username}@example.com")
    } else {
        username.into()
    };
    CodeDelivery {
        destination: mask(attribute, &shown),
        medium: DeliveryMedium::of_attribute(attribute),
        attribute: attribute.into(),
    }
}

impl Cognate {
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
            attrs.push((n.clone(), v.clone()));
        }
        let (username, sub) = identity(s, &input.username, &mut attrs)?;
        check_required(s, &attrs)?;
        check_policy(&input.password, &s.password_policy)?;
        let now = now_millis();
        let material = self.password_material(&pool.id, &username, &input.password).await?;
        let key = username_key(s, &username);
        let mut user = User::new(pool.id.clone(), username, key, sub.clone(), UserStatus::Unconfirmed, attrs, now);
        material.apply(&mut user);
        self.store.create_user(&user, &sign_in_keys(s, &user)).await.map_err(|e| create_error(&pool, e))?;
        let delivery = match verification_target(&pool, &user) {
            Some(attr) => {
                let code = self.issue_code(&pool, &user, &CodePurpose::SignUp.key(), VERIFY_TTL_MS).await?;
                Some(self.deliver_code(&pool, &user, attr, &code, CodeKind::Verification).await?)
            }
            None => None,
        };
        Ok(SignUpResult { user_sub: sub, confirmed: false, delivery })
    }

    /// ConfirmSignUp. Errors: CodeMismatch, ExpiredCode, LimitExceeded, NotAuthorized (already
    /// confirmed), UserNotFound, AliasExists.
    pub async fn confirm_sign_up(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
        code: &str,
        force_alias: bool,
    ) -> CoreResult<()> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        let Some(user) = self.public_user(&pool, &client, username).await? else {
            return Err(CoreError::CodeMismatch("Invalid verification code provided, please try again.".into()));
        };
        self.check_secret_hash(&client, secret_hash, &[username, &user.username])?;
        if user.status != UserStatus::Unconfirmed {
            return Err(CoreError::NotAuthorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status.as_str()
            )));
        }
        let target = verification_target(&pool, &user);
        self.check_code(&pool, &user, &CodePurpose::SignUp.key(), code).await?;
        let confirmed = |u: &mut User| {
            u.status = UserStatus::Confirmed;
            if let Some(a) = target {
                u.set_attribute(&format!("{a}_verified"), "true");
            }
            Ok(())
        };
        match self.modify_user_by_key(&pool, &user.username_key, confirmed).await {
            Err(CoreError::AliasExists(_)) if force_alias => {
                if let Some(a) = target {
                    self.release_alias(&pool, a, user.attribute(a).unwrap_or_default()).await?;
                }
                self.modify_user_by_key(&pool, &user.username_key, confirmed).await?;
            }
            other => {
                other?;
            }
        }
        Ok(())
    }

    /// ResendConfirmationCode. Errors: InvalidParameter (already confirmed), UserNotFound (LEGACY).
    pub async fn resend_confirmation_code(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
    ) -> CoreResult<CodeDelivery> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        let Some(user) = self.public_user(&pool, &client, username).await? else {
            self.check_secret_hash(&client, secret_hash, &[username])?;
            return Ok(fake_delivery(username));
        };
        self.check_secret_hash(&client, secret_hash, &[username, &user.username])?;
        if user.status != UserStatus::Unconfirmed {
            return Err(CoreError::InvalidParameter("User is already confirmed.".into()));
        }
        let attr = verification_target(&pool, &user).ok_or_else(|| {
            CoreError::InvalidParameter("The user pool has no auto-verified attribute for this user.".into())
        })?;
        let code = self.issue_code(&pool, &user, &CodePurpose::SignUp.key(), VERIFY_TTL_MS).await?;
        self.deliver_code(&pool, &user, attr, &code, CodeKind::Verification).await
    }

    /// ForgotPassword. Errors: InvalidParameter (no verified contact), UserNotFound (LEGACY),
    /// NotAuthorized (disabled), CodeDeliveryFailure.
    pub async fn forgot_password(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        username: &str,
    ) -> CoreResult<CodeDelivery> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        let Some(user) = self.public_user(&pool, &client, username).await? else {
            self.check_secret_hash(&client, secret_hash, &[username])?;
            return Ok(fake_delivery(username));
        };
        self.check_secret_hash(&client, secret_hash, &[username, &user.username])?;
        if !user.enabled {
            return Err(CoreError::NotAuthorized("User is disabled.".into()));
        }
        let attr = recovery_target(&pool, &user).ok_or_else(|| {
            CoreError::InvalidParameter(
                "Cannot reset password for the user as there is no registered/verified email or phone_number".into(),
            )
        })?;
        let code = self.issue_code(&pool, &user, &CodePurpose::Reset.key(), RESET_TTL_MS).await?;
        self.deliver_code(&pool, &user, attr, &code, CodeKind::Reset).await
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
        let (client, pool) = self.client_and_pool(client_id).await?;
        let Some(user) = self.public_user(&pool, &client, username).await? else {
            return Err(CoreError::CodeMismatch("Invalid verification code provided, please try again.".into()));
        };
        self.check_secret_hash(&client, secret_hash, &[username, &user.username])?;
        check_policy(password, &pool.settings.password_policy)?;
        self.check_code(&pool, &user, &CodePurpose::Reset.key(), code).await?;
        let material = self.password_material(&pool.id, &user.username, password).await?;
        self.modify_user_by_key(&pool, &user.username_key, |u| {
            material.apply(u);
            u.status = UserStatus::Confirmed;
            Ok(())
        })
        .await?;
        self.store.clear_failures(&pool.id, &user.username_key).await?;
        self.revoke_all_sessions(&pool.id, &user.username_key).await
    }
}
