//! Admin user management: create (with invitation), read, update and delete attributes,
//! enable/disable, passwords, confirmation, global sign-out, and ListUsers from the indexes.

use crate::attributes::{check_required, check_write, is_email, is_phone, normalized};
use crate::outbox::Message;
use crate::password::generate_temporary_password;
use crate::triggers::{Call, Trigger};
use crate::views::AdminView;
use crate::{filter, paging, Cognate, CoreError, CoreResult};
use cognate_model::risk::CredentialEvent;
use cognate_model::{now_millis, CodePurpose, DeliveryMedium, PoolSettings, User, UserPool, UserPoolId, UserStatus};
use cognate_store::{StoreError, UserCursor, UserFilter};

/// `MessageAction` of AdminCreateUser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageAction {
    /// Send the invitation again, with a new temporary password.
    Resend,
    /// Send nothing.
    Suppress,
}

/// AdminCreateUser input.
#[derive(Debug, Clone, Default)]
pub struct CreateUserInput {
    /// The name, or an email/phone in username-attribute pools.
    pub username: String,
    /// Attributes to set.
    pub attributes: Vec<(String, String)>,
    /// A temporary password to use instead of a generated one.
    pub temporary_password: Option<String>,
    /// Take an alias away from the user who holds it.
    pub force_alias_creation: bool,
    /// Resend or suppress the invitation.
    pub message_action: Option<MessageAction>,
    /// Where to send the invitation; `None` means Cognito's default.
    pub delivery_mediums: Option<Vec<DeliveryMedium>>,
}

/// ListUsers input.
#[derive(Debug, Clone, Default)]
pub struct ListUsersInput {
    /// The filter expression, if any.
    pub filter: Option<String>,
    /// Page size (1–60).
    pub limit: Option<i64>,
    /// Token from the previous page.
    pub pagination_token: Option<String>,
}

/// A page of users.
#[derive(Debug, Clone)]
pub struct UserListing {
    /// The users.
    pub users: Vec<User>,
    /// Token for the next page.
    pub pagination_token: Option<String>,
}

const VERIFIABLE: [&str; 2] = ["email", "phone_number"];

/// The normalized form of a user name (the pool decides case sensitivity).
pub fn username_key(settings: &PoolSettings, name: &str) -> String {
    if settings.case_sensitive {
        name.to_string()
    } else {
        name.to_lowercase()
    }
}

fn alias_key(settings: &PoolSettings, attr: &str, value: &str) -> String {
    let v = match attr {
        "email" => value.to_lowercase(),
        "preferred_username" => username_key(settings, value),
        _ => value.to_string(),
    };
    format!("{attr}:{v}")
}

/// The unique sign-in keys a user holds besides the name: username attributes always,
/// email/phone aliases once verified, `preferred_username` whenever set.
pub fn sign_in_keys(settings: &PoolSettings, user: &User) -> Vec<String> {
    let mut keys = vec![];
    for attr in ["email", "phone_number", "preferred_username"] {
        let Some(v) = user.attribute(attr) else { continue };
        let active = settings.is_username_attribute(attr)
            || (settings.is_alias_attribute(attr) && (attr == "preferred_username" || user.is_verified(attr)));
        if active {
            keys.push(alias_key(settings, attr, v));
        }
    }
    keys
}

fn update_conflict_error(key: &str) -> CoreError {
    let attr = key.split(':').next().unwrap_or("");
    let what = if attr == "phone_number" { "phone number" } else { attr };
    CoreError::AliasExists(format!("An account with the given {what} already exists."))
}

fn conflict_error(settings: &PoolSettings, key: &str) -> CoreError {
    let attr = key.split(':').next().unwrap_or("");
    let what = if attr == "phone_number" { "phone number" } else { attr };
    if key == "username" {
        CoreError::UsernameExists("User account already exists".into())
    } else if settings.is_username_attribute(attr) {
        CoreError::UsernameExists(format!("An account with the given {what} already exists."))
    } else {
        CoreError::AliasExists(format!("An account with the given {what} already exists."))
    }
}

/// The internal user name and sub for a new user. In email/phone-as-username pools the name
/// must be an email or phone number, which becomes that attribute, and the internal name is
/// the sub; in alias pools the name may not look like an alias.
pub(crate) fn identity(
    s: &PoolSettings,
    requested: &str,
    attrs: &mut Vec<(String, String)>,
) -> CoreResult<(String, String)> {
    let sub = uuid::Uuid::new_v4().to_string();
    if s.username_attributes.is_empty() {
        for attr in ["email", "phone_number"] {
            let looks = if attr == "email" { is_email(requested) } else { is_phone(requested) };
            if s.is_alias_attribute(attr) && looks {
                return Err(CoreError::InvalidParameter(format!(
                    "Username cannot be of {} format, since user pool is configured for {attr} alias.",
                    if attr == "email" { "email" } else { "phone number" }
                )));
            }
        }
        return Ok((requested.to_string(), sub));
    }
    let attr = if is_email(requested) && s.is_username_attribute("email") {
        "email"
    } else if is_phone(requested) && s.is_username_attribute("phone_number") {
        "phone_number"
    } else {
        return Err(CoreError::InvalidParameter("Username should be either an email or a phone number.".into()));
    };
    match attrs.iter().find(|(n, _)| n == attr) {
        Some((_, v)) if v != requested => {
            return Err(CoreError::InvalidParameter(format!("The {attr} attribute must equal the username.")))
        }
        Some(_) => {}
        None => attrs.push((attr.to_string(), requested.to_string())),
    }
    Ok((sub.clone(), sub))
}

/// Maps a failed insert to Cognito's errors.
pub(crate) fn create_error(pool: &UserPool, e: StoreError) -> CoreError {
    match e {
        StoreError::Conflict(k) => conflict_error(&pool.settings, &k),
        StoreError::NotFound => crate::error::pool_not_found(pool.id.as_str()),
        e => e.into(),
    }
}

fn render(template: Option<&str>, default: &str, username: &str, code: &str) -> String {
    template.unwrap_or(default).replace("{username}", username).replace("{####}", code)
}

impl Cognate {
    /// Finds a user by name, by username attribute or alias, or by sub.
    pub(crate) async fn resolve_user(&self, pool: &UserPool, name: &str) -> CoreResult<User> {
        let s = &pool.settings;
        if let Some(u) = self.store.get_user(&pool.id, &username_key(s, name)).await? {
            return Ok(u);
        }
        for attr in ["email", "phone_number", "preferred_username"] {
            if s.is_username_attribute(attr) || s.is_alias_attribute(attr) {
                if let Some(k) = self.store.find_key(&pool.id, &alias_key(s, attr, name)).await? {
                    if let Some(u) = self.store.get_user(&pool.id, &k).await? {
                        return Ok(u);
                    }
                }
            }
        }
        if name.len() == 36 {
            if let Some(u) = self.store.get_user_by_sub(&pool.id, name).await? {
                return Ok(u);
            }
        }
        Err(CoreError::UserNotFound)
    }

    /// Reads, changes and writes a user, retrying when another request wrote in between.
    async fn modify_user<F>(&self, pool: &UserPool, name: &str, change: F) -> CoreResult<User>
    where
        F: FnMut(&mut User) -> CoreResult<()>,
    {
        let key = self.resolve_user(pool, name).await?.username_key;
        self.modify_user_by_key(pool, &key, change).await
    }

    /// [`Cognate::modify_user`] for a known name key.
    pub(crate) async fn modify_user_by_key<F>(&self, pool: &UserPool, key: &str, mut change: F) -> CoreResult<User>
    where
        F: FnMut(&mut User) -> CoreResult<()>,
    {
        for _ in 0..8 {
            let mut user = self.store.get_user(&pool.id, key).await?.ok_or(CoreError::UserNotFound)?;
            let before = sign_in_keys(&pool.settings, &user);
            change(&mut user)?;
            user.updated_at = now_millis();
            let keys = sign_in_keys(&pool.settings, &user);
            let keys_arg = (keys != before).then_some(keys.as_slice());
            match self.store.update_user(&user, keys_arg).await {
                Ok(()) => {
                    user.version += 1;
                    return Ok(user);
                }
                Err(StoreError::VersionMismatch) => continue,
                Err(StoreError::NotFound) => return Err(CoreError::UserNotFound),
                // An update that takes another user's email or phone is an alias conflict, also
                // where those attributes are user names (AdminUpdateUserAttributes models
                // AliasExistsException, not UsernameExistsException).
                Err(StoreError::Conflict(k)) => return Err(update_conflict_error(&k)),
                Err(e) => return Err(e.into()),
            }
        }
        Err(CoreError::Internal("too many concurrent updates of one user".into()))
    }

    async fn resend_invitation(
        &self,
        pool: &UserPool,
        input: &CreateUserInput,
        temp: String,
        req: &crate::RequestContext,
    ) -> CoreResult<User> {
        let existing = self.resolve_user(pool, &input.username).await?;
        let material = self.password_material(&pool.id, &existing.username, &temp).await?;
        let user = self
            .modify_user(pool, &input.username, |u| {
                if u.status != UserStatus::ForceChangePassword {
                    return Err(CoreError::UnsupportedUserState(format!(
                        "Resend not possible. {} status is not FORCE_CHANGE_PASSWORD",
                        u.username
                    )));
                }
                material.apply(u);
                Ok(())
            })
            .await?;
        self.send_invitation(pool, &user, &temp, input.delivery_mediums.as_deref(), req).await?;
        Ok(user)
    }

    /// Sends the invitation to each desired medium the user has an address for. Cognito's
    /// default medium is SMS; when the user has no phone number we fall back to email.
    async fn send_invitation(
        &self,
        pool: &UserPool,
        user: &User,
        temp: &str,
        mediums: Option<&[DeliveryMedium]>,
        req: &crate::RequestContext,
    ) -> CoreResult<()> {
        let mut t = pool.settings.admin_create_user.invite_message.clone();
        if Cognate::has_trigger(pool, Trigger::CustomMessage) {
            let call = Call {
                trigger: Trigger::CustomMessage,
                source: "CustomMessage_AdminCreateUser",
                pool,
                user_name: &user.username,
                client_id: None,
                req,
            };
            if let Some(custom) = self.custom_message(&call, user, Some("{username}")).await? {
                t.sms_message = custom.sms.or(t.sms_message);
                t.email_message = custom.email.or(t.email_message);
                t.email_subject = custom.subject.or(t.email_subject);
            }
        }
        let shown_name =
            user.attribute("email").filter(|_| pool.settings.is_username_attribute("email")).unwrap_or(&user.username);
        let wanted: Vec<DeliveryMedium> = match mediums {
            Some(m) => m.to_vec(),
            None if user.attribute("phone_number").is_some() => vec![DeliveryMedium::Sms],
            None => vec![DeliveryMedium::Email],
        };
        let targets: Vec<(DeliveryMedium, String)> =
            wanted.iter().filter_map(|m| user.attribute(m.attribute()).map(|to| (*m, to.to_string()))).collect();
        if targets.is_empty() {
            if mediums.is_some() {
                let missing: Vec<&str> = wanted.iter().map(|m| m.attribute()).collect();
                return Err(CoreError::InvalidParameter(format!(
                    "The user has no {} to deliver the invitation to.",
                    missing.join(" or ")
                )));
            }
            return Ok(());
        }
        for (medium, to) in targets {
            let sending = crate::triggers::senders::Sending {
                pool,
                user,
                medium,
                source: "AdminCreateUser",
                client_id: None,
                req,
            };
            if self.custom_send(&sending, temp).await? {
                continue;
            }
            let default = "Your username is {username} and temporary password is {####}.";
            let (subject, body) = if medium == DeliveryMedium::Sms {
                (String::new(), render(t.sms_message.as_deref(), default, shown_name, temp))
            } else {
                (
                    t.email_subject.clone().unwrap_or_else(|| "Your temporary password".into()),
                    render(t.email_message.as_deref(), default, shown_name, temp),
                )
            };
            let msg = Message { medium, to, subject, body, pool_id: pool.id.to_string(), purpose: "invitation" };
            self.outbox.send(&msg).await.map_err(|e| {
                tracing::error!(error = %e, "invitation delivery failed");
                CoreError::CodeDeliveryFailure("Unable to deliver the invitation message.".into())
            })?;
        }
        Ok(())
    }
}

impl AdminView<'_> {
    /// AdminCreateUser. Errors: UsernameExists, AliasExists, InvalidParameter, InvalidPassword,
    /// UnsupportedUserState (RESEND for a user who already changed the password), CodeDeliveryFailure.
    pub async fn create_user(&self, pool_id: &UserPoolId, input: CreateUserInput) -> CoreResult<User> {
        let pool = self.pool(pool_id).await?;
        let s = &pool.settings;
        let temp = match &input.temporary_password {
            Some(p) => {
                self.check_new_password(&pool, None, CredentialEvent::SignUp, p)?;
                p.clone()
            }
            None => generate_temporary_password(&s.password_policy),
        };
        if input.message_action == Some(MessageAction::Resend) {
            return self.resend_invitation(&pool, &input, temp, self.req).await;
        }
        let mut attrs: Vec<(String, String)> = vec![];
        for (n, v) in &input.attributes {
            check_write(s, n, v, true)?;
            attrs.retain(|(k, _)| k != n);
            attrs.push((n.clone(), normalized(s, n, v)));
        }
        let (username, sub) = identity(s, &input.username, &mut attrs)?;
        check_required(s, &attrs)?;
        let now = now_millis();
        let call = self.call(Trigger::PreSignUp, "PreSignUp_AdminCreateUser", &pool, &username, None);
        let decided = self.pre_sign_up(&call, &attrs).await?.unwrap_or_default();
        let material = self.password_material(&pool.id, &username, &temp).await?;
        let key = username_key(s, &username);
        let mut user = User::new(pool.id.clone(), username, key, sub, UserStatus::ForceChangePassword, attrs, now);
        decided.apply(&mut user);
        material.apply(&mut user);
        let keys = sign_in_keys(s, &user);
        let mut forced = false;
        loop {
            match self.store.create_user(&user, &keys).await {
                Ok(()) => break,
                Err(StoreError::Conflict(k)) if k != "username" && input.force_alias_creation && !forced => {
                    // ForceAliasCreation: the alias moves; the old holder's attribute becomes unverified.
                    let attr = k.split(':').next().unwrap_or("").to_string();
                    if let Some(holder) = self.store.find_key(&pool.id, &k).await? {
                        self.modify_user(&pool, &holder, |u| {
                            u.set_attribute(&format!("{attr}_verified"), "false");
                            Ok(())
                        })
                        .await?;
                    }
                    forced = true;
                }
                Err(StoreError::Conflict(k)) => return Err(conflict_error(s, &k)),
                Err(StoreError::NotFound) => return Err(crate::error::pool_not_found(pool.id.as_str())),
                Err(e) => return Err(e.into()),
            }
        }
        if input.message_action != Some(MessageAction::Suppress) {
            self.send_invitation(&pool, &user, &temp, input.delivery_mediums.as_deref(), self.req).await?;
        }
        Ok(user)
    }

    /// AdminGetUser.
    pub async fn get_user(&self, pool_id: &UserPoolId, username: &str) -> CoreResult<User> {
        let pool = self.pool(pool_id).await?;
        self.resolve_user(&pool, username).await
    }

    /// AdminDeleteUser.
    pub async fn delete_user(&self, pool_id: &UserPoolId, username: &str) -> CoreResult<()> {
        let pool = self.pool(pool_id).await?;
        let user = self.resolve_user(&pool, username).await?;
        self.store.delete_user(pool_id, &user.username_key).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::UserNotFound,
            e => e.into(),
        })
    }

    /// AdminUpdateUserAttributes. A changed email or phone number becomes unverified unless the
    /// same call sets its `_verified` attribute.
    pub async fn update_user_attributes(
        &self,
        pool_id: &UserPoolId,
        username: &str,
        attrs: &[(String, String)],
    ) -> CoreResult<User> {
        let pool = self.pool(pool_id).await?;
        let s = &pool.settings;
        for (n, v) in attrs {
            check_write(s, n, v, false)?;
        }
        let attrs: Vec<(String, String)> = attrs.iter().map(|(n, v)| (n.clone(), normalized(s, n, v))).collect();
        let attrs = &attrs;
        let hold = crate::selfservice::verify_before_update(&pool);
        self.modify_user(&pool, username, |u| {
            for (n, v) in attrs {
                let changed = u.attribute(n) != Some(v.as_str());
                let marked_true = attrs.iter().any(|(k, x)| k == &format!("{n}_verified") && x == "true");
                if changed && hold.contains(n) && u.is_verified(n) && !marked_true {
                    // Held until verified (GetUserAttributeVerificationCode sends to the new value).
                    u.pending_attributes.retain(|(k, _)| k != n);
                    u.pending_attributes.push((n.clone(), v.clone()));
                    continue;
                }
                u.pending_attributes.retain(|(k, _)| k != n);
                u.set_attribute(n, v);
                let verified_given = attrs.iter().any(|(k, _)| k == &format!("{n}_verified"));
                if VERIFIABLE.contains(&n.as_str()) && changed && !verified_given {
                    u.set_attribute(&format!("{n}_verified"), "false");
                }
            }
            Ok(())
        })
        .await
    }

    /// AdminDeleteUserAttributes. Required and immutable attributes cannot be deleted.
    pub async fn delete_user_attributes(
        &self,
        pool_id: &UserPoolId,
        username: &str,
        names: &[String],
    ) -> CoreResult<User> {
        let pool = self.pool(pool_id).await?;
        let s = &pool.settings;
        // The user first (UserNotFoundException), then the names, as Cognito reports them.
        self.resolve_user(&pool, username).await?;
        for n in names {
            let attr = s.attribute(n).ok_or_else(|| {
                CoreError::InvalidParameter(format!(
                    "Invalid user attributes: user.{n}: Attribute does not exist in the schema."
                ))
            })?;
            if attr.required || !attr.mutable || s.is_username_attribute(n) {
                return Err(CoreError::InvalidParameter(format!(
                    "Cannot delete a required or immutable attribute: {n}"
                )));
            }
        }
        self.modify_user(&pool, username, |u| {
            for n in names {
                u.remove_attribute(n);
                if VERIFIABLE.contains(&n.as_str()) {
                    u.remove_attribute(&format!("{n}_verified"));
                }
            }
            Ok(())
        })
        .await
    }

    /// AdminEnableUser / AdminDisableUser. Disabling also ends the user's sessions.
    pub async fn set_enabled(&self, pool_id: &UserPoolId, username: &str, enabled: bool) -> CoreResult<()> {
        let pool = self.pool(pool_id).await?;
        let u = self
            .modify_user(&pool, username, |u| {
                u.enabled = enabled;
                Ok(())
            })
            .await?;
        if !enabled {
            self.revoke_all_sessions(pool_id, &u.username_key).await?;
        }
        Ok(())
    }

    /// AdminSetUserPassword: `permanent` confirms the user; otherwise the password is temporary.
    pub async fn set_user_password(
        &self,
        pool_id: &UserPoolId,
        username: &str,
        password: &str,
        permanent: bool,
    ) -> CoreResult<()> {
        let pool = self.pool(pool_id).await?;
        let existing = self.resolve_user(&pool, username).await?;
        self.check_new_password(&pool, None, CredentialEvent::PasswordChange, password)?;
        let material = self.password_material(&pool.id, &existing.username, password).await?;
        self.modify_user(&pool, username, |u| {
            if u.status == UserStatus::ExternalProvider {
                return Err(CoreError::InvalidParameter("Cannot set a password for a federated user.".into()));
            }
            material.apply(u);
            u.status = if permanent { UserStatus::Confirmed } else { UserStatus::ForceChangePassword };
            Ok(())
        })
        .await?;
        // A new password ends a lockout, as ConfirmForgotPassword does.
        self.store.clear_failures(pool_id, &existing.username_key).await?;
        Ok(())
    }

    /// AdminResetUserPassword: the user must reset the password before signing in again, and
    /// every session ends.
    pub async fn reset_user_password(&self, pool_id: &UserPoolId, username: &str) -> CoreResult<()> {
        let pool = self.pool(pool_id).await?;
        let user = self.resolve_user(&pool, username).await?;
        if user.status == UserStatus::ForceChangePassword {
            return Err(CoreError::NotAuthorized("User password cannot be reset in the current state.".into()));
        }
        if !user.enabled {
            return Err(CoreError::NotAuthorized("User is disabled.".into()));
        }
        // The code goes where the pool's recovery sends codes, else to any verified address.
        let target = crate::signup::recovery_target(&pool, &user)
            .or_else(|| {
                ["phone_number", "email"].into_iter().find(|a| user.attribute(a).is_some() && user.is_verified(a))
            })
            .ok_or_else(|| {
                CoreError::InvalidParameter(
                    "Cannot reset password for the user as there is no registered/verified email or phone_number"
                        .into(),
                )
            })?;
        let u = self
            .modify_user_by_key(&pool, &user.username_key, |u| {
                u.status = UserStatus::ResetRequired;
                Ok(())
            })
            .await?;
        self.revoke_all_sessions(pool_id, &u.username_key).await?;
        let code = self.issue_code(&pool, &u, &CodePurpose::Reset.key(), crate::codes::RESET_TTL_MS).await?;
        let via = self.via(crate::codes::MessageSource::ForgotPassword, None);
        self.deliver_code(&pool, &u, target, &code, &via).await?;
        Ok(())
    }

    /// AdminSetUserSettings (legacy MFA options).
    pub async fn set_user_settings(&self, pool_id: &UserPoolId, username: &str, sms: bool) -> CoreResult<()> {
        let pool = self.pool(pool_id).await?;
        let user = self.resolve_user(&pool, username).await?;
        self.set_sms_mfa(&pool, &user.username_key, sms).await
    }

    /// AdminConfirmSignUp: UNCONFIRMED → CONFIRMED.
    pub async fn confirm_sign_up(&self, pool_id: &UserPoolId, username: &str) -> CoreResult<()> {
        let pool = self.pool(pool_id).await?;
        let confirmed = self
            .modify_user(&pool, username, |u| {
                if u.status != UserStatus::Unconfirmed {
                    return Err(CoreError::NotAuthorized(format!(
                        "User cannot be confirmed. Current status is {}",
                        u.status.as_str()
                    )));
                }
                u.status = UserStatus::Confirmed;
                Ok(())
            })
            .await?;
        let user = confirmed;
        let call = self.call(Trigger::PostConfirmation, "PostConfirmation_ConfirmSignUp", &pool, &user.username, None);
        self.post_confirmation(&call, &user).await
    }

    /// AdminUserGlobalSignOut: every token issued before now stops working.
    pub async fn global_sign_out(&self, pool_id: &UserPoolId, username: &str) -> CoreResult<()> {
        let pool = self.pool(pool_id).await?;
        let u = self.resolve_user(&pool, username).await?;
        self.revoke_all_sessions(pool_id, &u.username_key).await
    }

    /// ListUsers with the `Filter` grammar, answered from the store's indexes.
    pub async fn list_users(&self, pool_id: &UserPoolId, input: ListUsersInput) -> CoreResult<UserListing> {
        let pool = self.pool(pool_id).await?;
        let store_filter = match input.filter.as_deref().map(str::trim) {
            None | Some("") => UserFilter::All,
            Some(f) => filter::to_store_filter(&filter::parse(f)?, |u| username_key(&pool.settings, u))?,
        };
        let after = input
            .pagination_token
            .as_deref()
            .map(|t| paging::decode(t, 2).map(|p| UserCursor { value: p[0].clone(), username_key: p[1].clone() }))
            .transpose()?;
        let page = self.store.list_users(pool_id, &store_filter, after.as_ref(), paging::limit(input.limit)).await?;
        Ok(UserListing {
            users: page.users,
            pagination_token: page.next.map(|c| paging::encode(&[&c.value, &c.username_key])),
        })
    }
}
