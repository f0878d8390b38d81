//! Operations a signed-in user performs with an access token: each takes a [`UserCtx`], which
//! only [`Cognate::authenticate`] produces.

use crate::attributes::check_write;
use crate::auth::Attempt;
use crate::codes::{CodeDelivery, MessageSource, VERIFY_TTL_MS};
use crate::tokens::refresh_hash;
use crate::views::{SignInView, UserView};
use crate::{Cognate, CoreError, CoreResult, UserCtx};
use cognate_model::risk::{AuthEventKind, CredentialEvent};
use cognate_model::{now_millis, CodePurpose, MfaFactor, User, UserPool};

impl Cognate {
    pub(crate) async fn ctx_user(&self, ctx: &UserCtx) -> CoreResult<(UserPool, User)> {
        let pool =
            self.pool(ctx.pool_id()).await.map_err(|_| CoreError::NotAuthorized("Invalid Access Token".into()))?;
        let user = self.store.get_user_by_sub(ctx.pool_id(), ctx.sub()).await?.ok_or(CoreError::UserNotFound)?;
        if !user.enabled {
            return Err(CoreError::NotAuthorized("User is disabled.".into()));
        }
        Ok((pool, user))
    }

    pub(crate) async fn set_sms_mfa(&self, pool: &UserPool, key: &str, sms: bool) -> CoreResult<()> {
        self.modify_user_by_key(pool, key, |u| {
            if sms && u.attribute("phone_number").is_none() {
                return Err(CoreError::InvalidParameter("SMS MFA needs a phone_number attribute.".into()));
            }
            u.mfa.sms_enabled = sms;
            if !sms && u.mfa.preferred == Some(MfaFactor::Sms) {
                u.mfa.preferred = None;
            }
            Ok(())
        })
        .await?;
        Ok(())
    }
}

/// The pool's `UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate`.
pub(crate) fn verify_before_update(pool: &UserPool) -> Vec<String> {
    pool.settings.verify_before_update.clone().unwrap_or_default()
}

fn pending_value(user: &User, attr: &str) -> Option<String> {
    user.pending_attributes.iter().find(|(k, _)| k == attr).map(|(_, v)| v.clone())
}

/// The user as a code for `attr` should see it: with the value waiting for verification.
fn with_pending(user: &User, attr: &str) -> User {
    let mut u = user.clone();
    if let Some(v) = pending_value(user, attr) {
        u.set_attribute(attr, &v);
    }
    u
}

impl UserView<'_> {
    /// GetUser: one read (the pool is looked at only to tell a deleted pool from a deleted user).
    pub async fn get_user(&self) -> CoreResult<User> {
        let ctx = self.ctx;
        match self.store.get_user_by_sub(ctx.pool_id(), ctx.sub()).await? {
            Some(user) if user.enabled => Ok(user),
            Some(_) => Err(CoreError::NotAuthorized("User is disabled.".into())),
            None => Err(self.ctx_user(ctx).await.err().unwrap_or(CoreError::UserNotFound)),
        }
    }

    /// GlobalSignOut: every session of the user ends, on every node.
    pub async fn global_sign_out(&self) -> CoreResult<()> {
        let ctx = self.ctx;
        let (pool, user) = self.ctx_user(ctx).await?;
        self.revoke_all_sessions(&pool.id, &user.username_key).await
    }

    /// ChangePassword: the previous password must match (failures count toward lockout).
    pub async fn change_password(&self, previous: &str, proposed: &str) -> CoreResult<()> {
        let ctx = self.ctx;
        let (pool, user) = self.ctx_user(ctx).await?;
        if self.store.get_failures(&pool.id, &user.username_key).await?.locked_until > now_millis() {
            return Err(CoreError::LimitExceeded("Attempt limit exceeded, please try after some time.".into()));
        }
        let ok = match &user.password_hash {
            Some(h) => self.hasher.verify(previous, h).await?,
            None => false,
        };
        if !ok {
            self.record_failure(&pool.id, Attempt::User(&user.username_key)).await?;
            return Err(CoreError::NotAuthorized("Incorrect username or password.".into()));
        }
        let compromised = self.check_new_password(&pool, None, CredentialEvent::PasswordChange, proposed)?;
        let material = self.password_material(&pool.id, &user.username, proposed).await?;
        self.modify_user_by_key(&pool, &user.username_key, |u| {
            material.apply(u);
            Ok(())
        })
        .await?;
        self.store.clear_failures(&pool.id, &user.username_key).await?;
        self.record_plain_event(&pool, None, &user, self.req, AuthEventKind::PasswordChange, compromised).await
    }

    /// DeleteUser: the user deletes their own account.
    pub async fn delete_self(&self) -> CoreResult<()> {
        let ctx = self.ctx;
        let (pool, user) = self.ctx_user(ctx).await?;
        self.revoke_all_sessions(&pool.id, &user.username_key).await?;
        self.store.delete_user(&pool.id, &user.username_key).await.map_err(|_| CoreError::UserNotFound)
    }

    /// UpdateUserAttributes: a changed email or phone number becomes unverified and, when the
    /// pool auto-verifies it, gets a code. Returns where the codes went.
    pub async fn update_attributes(&self, attrs: &[(String, String)]) -> CoreResult<Vec<CodeDelivery>> {
        let ctx = self.ctx;
        let (pool, user) = self.ctx_user(ctx).await?;
        let client = self.store.get_client(&cognate_model::ClientId::new(ctx.client_id())).await?;
        let writable = client.map(|c| c.settings.write_attributes).unwrap_or_default();
        for (n, v) in attrs {
            if n.ends_with("_verified") || n.starts_with("dev:") || (!writable.is_empty() && !writable.contains(n)) {
                return Err(CoreError::NotAuthorized(format!(
                    "A client attempted to write unauthorized attribute {n}"
                )));
            }
            check_write(&pool.settings, n, v, false)?;
        }
        let hold = verify_before_update(&pool);
        let mut changed = vec![];
        let updated = self
            .modify_user_by_key(&pool, &user.username_key, |u| {
                changed.clear();
                for (n, v) in attrs {
                    let verifiable = n == "email" || n == "phone_number";
                    if verifiable && u.attribute(n) == Some(v.as_str()) {
                        u.pending_attributes.retain(|(k, _)| k != n); // back to the live value
                        continue;
                    }
                    if verifiable && hold.contains(n) && u.is_verified(n) {
                        // The old value stays (and signs in) until the new one is verified.
                        u.pending_attributes.retain(|(k, _)| k != n);
                        u.pending_attributes.push((n.clone(), v.clone()));
                        changed.push(n.clone());
                        continue;
                    }
                    if verifiable {
                        u.set_attribute(&format!("{n}_verified"), "false");
                        changed.push(n.clone());
                    }
                    u.set_attribute(n, v);
                }
                Ok(())
            })
            .await?;
        let mut sent = vec![];
        for attr in &changed {
            let pending = pending_value(&updated, attr);
            if pending.is_none() && !pool.settings.auto_verified_attributes.contains(attr) {
                continue;
            }
            let code =
                self.issue_code(&pool, &updated, &CodePurpose::Verify(attr.to_string()).key(), VERIFY_TTL_MS).await?;
            let target = with_pending(&updated, attr);
            let via = self.via(MessageSource::UpdateUserAttribute, Some(self.ctx.client_id()));
            sent.push(self.deliver_code(&pool, &target, attr, &code, &via).await?);
        }
        Ok(sent)
    }

    /// SetUserSettings (legacy MFA options): `sms` turns SMS MFA to `phone_number` on or off.
    pub async fn set_user_settings(&self, sms: bool) -> CoreResult<()> {
        let ctx = self.ctx;
        let (pool, user) = self.ctx_user(ctx).await?;
        self.set_sms_mfa(&pool, &user.username_key, sms).await
    }

    /// GetUserAttributeVerificationCode: sends a code for `email` or `phone_number`.
    pub async fn send_attribute_code(&self, attribute: &str) -> CoreResult<CodeDelivery> {
        let ctx = self.ctx;
        let (pool, user) = self.ctx_user(ctx).await?;
        if attribute != "email" && attribute != "phone_number" {
            return Err(CoreError::InvalidParameter(format!("{attribute} cannot be verified.")));
        }
        let code =
            self.issue_code(&pool, &user, &CodePurpose::Verify(attribute.to_string()).key(), VERIFY_TTL_MS).await?;
        let via = self.via(MessageSource::VerifyUserAttribute, Some(ctx.client_id()));
        self.deliver_code(&pool, &with_pending(&user, attribute), attribute, &code, &via).await
    }

    /// VerifyUserAttribute: marks the attribute verified (it may then become a sign-in alias);
    /// a value waiting for verification replaces the old one now.
    pub async fn verify_attribute(&self, attribute: &str, code: &str) -> CoreResult<()> {
        let ctx = self.ctx;
        let (pool, user) = self.ctx_user(ctx).await?;
        self.check_code(&pool, &user, &CodePurpose::Verify(attribute.to_string()).key(), code).await?;
        self.modify_user_by_key(&pool, &user.username_key, |u| {
            if let Some(v) = pending_value(u, attribute) {
                u.set_attribute(attribute, &v);
                u.pending_attributes.retain(|(k, _)| k != attribute);
            }
            u.set_attribute(&format!("{attribute}_verified"), "true");
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// DeleteUserAttributes (self-service).
    pub async fn delete_attributes(&self, names: &[String]) -> CoreResult<()> {
        let ctx = self.ctx;
        let (pool, user) = self.ctx_user(ctx).await?;
        for n in names {
            let a = pool
                .settings
                .attribute(n)
                .ok_or_else(|| CoreError::InvalidParameter(format!("Attribute does not exist in the schema: {n}")))?;
            if a.required || !a.mutable || n.starts_with("dev:") {
                return Err(CoreError::InvalidParameter(format!(
                    "Cannot delete a required or immutable attribute: {n}"
                )));
            }
        }
        self.modify_user_by_key(&pool, &user.username_key, |u| {
            for n in names {
                u.remove_attribute(n);
            }
            Ok(())
        })
        .await?;
        Ok(())
    }
}

impl SignInView<'_> {
    /// RevokeToken: revokes a refresh token and every token derived from it. Unknown tokens are
    /// accepted silently (RFC 7009).
    pub async fn revoke_token(&self, client_id: &str, token: &str, client_secret: Option<&str>) -> CoreResult<()> {
        let (client, _pool) = self.client_and_pool(client_id).await?;
        if self.secret_matches(&client, client_secret.unwrap_or(""))? == Some(false) {
            return Err(CoreError::Unauthorized("Invalid client secret.".into()));
        }
        if !client.settings.enable_token_revocation {
            return Err(CoreError::UnsupportedOperation("Token revocation is not enabled for this client.".into()));
        }
        let Some(row) = self.store.get_refresh_token(&refresh_hash(token)).await? else {
            return Ok(());
        };
        if row.client_id != client.client_id {
            return Err(CoreError::Unauthorized("The token was not issued to this client.".into()));
        }
        self.revoke_session(&row.pool_id, &row.origin_jti).await
    }
}
