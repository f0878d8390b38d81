//! User migration: a name that is no user of the pool is asked of the pool's UserMigration
//! function (at sign-in with the password, at ForgotPassword without); the user it describes
//! is created — with the password the old system accepted, so the next sign-in never calls the
//! function again — and the flow goes on with them.

use crate::attributes::{check_required, check_write, normalized};
use crate::outbox::Message;
use crate::triggers::{Call, Trigger};
use crate::users::{create_error, identity, sign_in_keys, username_key};
use crate::{Cognate, CoreError, CoreResult, RequestContext};
use cognate_model::{now_millis, AppClient, DeliveryMedium, MfaFactor, User, UserPool};
use cognate_store::StoreError;

impl Cognate {
    /// The user the pool's UserMigration function makes of `username`, now created; `None`
    /// when the pool has no function or the function does not know the name (it failed: the
    /// caller answers as for any unknown user).
    pub(crate) async fn migrate_user(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        password: Option<&str>,
        req: &RequestContext,
    ) -> CoreResult<Option<User>> {
        if !Cognate::has_trigger(pool, Trigger::UserMigration) {
            return Ok(None);
        }
        let source = if password.is_some() { "UserMigration_Authentication" } else { "UserMigration_ForgotPassword" };
        let call = Call {
            trigger: Trigger::UserMigration,
            source,
            pool,
            user_name: username,
            client_id: Some(client.client_id.as_str()),
            req,
        };
        let migrated = match self.user_migration(&call, password).await {
            Ok(Some(m)) => m,
            Ok(None) => return Ok(None),
            // The old system does not know the name, or refused the password.
            Err(CoreError::UserLambdaValidation(why)) => {
                tracing::info!(target: "cognate::trigger", pool = %pool.id, %why, "user migration refused");
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let s = &pool.settings;
        let mut attrs: Vec<(String, String)> = vec![];
        for (n, v) in &migrated.attributes {
            if n == "sub" || n == "username" || n.starts_with("cognito:") {
                continue;
            }
            check_write(s, n, v, false).map_err(|e| {
                crate::triggers::unrecognizable(Trigger::UserMigration, &format!("userAttributes: {e}"))
            })?;
            attrs.retain(|(k, _)| k != n);
            attrs.push((n.clone(), normalized(s, n, v)));
        }
        let (name, sub) = identity(s, username, &mut attrs)?;
        check_required(s, &attrs)?;
        let key = username_key(s, &name);
        let mut user = User::new(pool.id.clone(), name, key, sub, migrated.status, attrs, now_millis());
        if let Some(p) = password {
            self.password_material(&pool.id, &user.username, p).await?.apply(&mut user);
        }
        if migrated.enable_sms_mfa && user.attribute("phone_number").is_some() {
            user.mfa.set_enabled(MfaFactor::Sms, true);
        }
        let keys = sign_in_keys(s, &user);
        match self.store.create_user(&user, &keys).await {
            Ok(()) => {}
            Err(StoreError::Conflict(k)) if k != "username" && migrated.force_alias => {
                let attr = k.split(':').next().unwrap_or("");
                self.release_alias(pool, attr, user.attribute(attr).unwrap_or_default()).await?;
                self.store.create_user(&user, &keys).await.map_err(|e| create_error(pool, e))?;
            }
            Err(e) => return Err(create_error(pool, e)),
        }
        tracing::info!(target: "cognate::trigger", pool = %pool.id, user = %user.username, "user migrated");
        if !migrated.suppress {
            self.welcome(pool, &user, &migrated.mediums).await;
        }
        Ok(Some(user))
    }

    /// The welcome message of a migrated user (Cognito sends one unless the function says
    /// `SUPPRESS`): to each desired medium the user has an address for (default: email, else
    /// SMS). A failed delivery is logged; the sign-in goes on.
    async fn welcome(&self, pool: &UserPool, user: &User, mediums: &[DeliveryMedium]) {
        let wanted = if mediums.is_empty() {
            if user.attribute("email").is_some() {
                vec![DeliveryMedium::Email]
            } else {
                vec![DeliveryMedium::Sms]
            }
        } else {
            mediums.to_vec()
        };
        for medium in wanted {
            let Some(to) = user.attribute(medium.attribute()) else { continue };
            let msg = Message {
                medium,
                to: to.to_string(),
                subject: if medium == DeliveryMedium::Email { "Welcome".into() } else { String::new() },
                body: format!("Welcome! Your account {} is ready.", user.username),
                pool_id: pool.id.to_string(),
                purpose: "welcome",
            };
            if let Err(e) = self.outbox.send(&msg).await {
                tracing::warn!(error = %e, %medium, "welcome message not delivered");
            }
        }
    }
}
