//! Remembered devices: created at sign-in when the pool tracks devices (`NewDeviceMetadata`),
//! confirmed with the client's SRP verifier (ConfirmDevice), then signed in with DEVICE_SRP_AUTH.

use crate::srp::Verifier;
use crate::views::{AdminView, SignInView, UserView};
use crate::{paging, Cognate, CoreError, CoreResult, UserCtx};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cognate_model::ids::random_string;
use cognate_model::{now_millis, Device, DeviceStatus, User, UserPool, UserPoolId};

fn missing() -> CoreError {
    // amazon-cognito-identity-js retries without the device only when the message says "device".
    CoreError::ResourceNotFound("Device does not exist.".into())
}

/// What the sealed verifier is bound to.
pub(crate) fn aad(pool: &UserPoolId, key: &str) -> String {
    format!("device-verifier:{pool}:{key}")
}

impl Cognate {
    /// The user's device `key`, or `ResourceNotFoundException: Device does not exist.`.
    pub(crate) async fn device_of(&self, pool: &UserPoolId, user: &User, key: &str) -> CoreResult<Device> {
        match self.store.get_device(pool, key).await? {
            Some(d) if d.username_key == user.username_key => Ok(d),
            _ => Err(missing()),
        }
    }

    /// A confirmed device's SRP verifier.
    pub(crate) fn device_verifier(&self, d: &Device) -> Option<Verifier> {
        let raw = self.master.open(d.verifier.as_deref()?, &aad(&d.pool_id, &d.device_key)).ok()?;
        serde_json::from_slice(&raw).ok()
    }

    async fn user_for(&self, ctx: &UserCtx) -> CoreResult<User> {
        self.store.get_user_by_sub(ctx.pool_id(), ctx.sub()).await?.ok_or(CoreError::UserNotFound)
    }

    async fn device_ctx(&self, pool: &UserPoolId, username_key: &str, key: &str) -> CoreResult<Device> {
        match self.store.get_device(pool, key).await? {
            Some(d) if d.username_key == username_key => Ok(d),
            _ => Err(missing()),
        }
    }

    async fn admin_user(&self, pool_id: &UserPoolId, username: &str) -> CoreResult<User> {
        let pool = self.pool(pool_id).await?;
        self.resolve_user(&pool, username).await
    }

    async fn list_for(
        &self,
        pool: &UserPoolId,
        user: &User,
        limit: Option<i64>,
        token: Option<&str>,
    ) -> CoreResult<(Vec<Device>, Option<String>)> {
        let (after, limit) = (paging::after(token)?, paging::limit(limit));
        let devices = self.store.list_devices(pool, &user.username_key, after.as_deref(), limit + 1).await?;
        Ok(paging::split(devices, limit, |d| &d.device_key))
    }

    async fn set_status(&self, mut d: Device, status: DeviceStatus) -> CoreResult<()> {
        d.status = status;
        d.updated_at = now_millis();
        self.store.put_device(&d).await?;
        Ok(())
    }
}

impl SignInView<'_> {
    /// A new, unconfirmed device for the user (its key and group key go back as NewDeviceMetadata).
    pub(crate) async fn new_device(&self, pool: &UserPool, user: &User) -> CoreResult<Device> {
        let now = now_millis();
        let d = Device {
            pool_id: pool.id.clone(),
            username_key: user.username_key.clone(),
            device_key: format!("{}_{}", pool.id.region(), uuid::Uuid::new_v4()),
            group_key: format!(
                "-{}",
                random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 8)
            ),
            name: None,
            status: DeviceStatus::NotRemembered,
            confirmed: false,
            verifier: None,
            last_ip: self.req.source_ip.map(|ip| ip.to_string()),
            created_at: now,
            updated_at: now,
            last_auth_at: now,
        };
        self.store.put_device(&d).await?;
        Ok(d)
    }
}

impl UserView<'_> {
    /// ConfirmDevice: stores the device's verifier (`PasswordVerifier` = base64 of v's bytes,
    /// `Salt` = base64 of the salt's bytes). Returns whether the user must still choose to
    /// remember it (`DeviceOnlyRememberedOnUserPrompt`).
    pub async fn confirm_device(
        &self,
        key: &str,
        name: Option<String>,
        verifier: &str,
        salt: &str,
    ) -> CoreResult<bool> {
        let ctx = self.ctx;
        let pool = self.pool(ctx.pool_id()).await?;
        let user = self.user_for(ctx).await?;
        let mut d = self.device_of(&pool.id, &user, key).await?;
        let bad = || CoreError::InvalidParameter("DeviceSecretVerifierConfig is not valid base64.".into());
        let v: String = STANDARD.decode(verifier).map_err(|_| bad())?.iter().map(|b| format!("{b:02x}")).collect();
        let s: String = STANDARD.decode(salt).map_err(|_| bad())?.iter().map(|b| format!("{b:02x}")).collect();
        if v.is_empty() || s.is_empty() {
            return Err(bad());
        }
        let json = serde_json::to_vec(&Verifier { salt: s, v }).map_err(|e| CoreError::Internal(e.to_string()))?;
        let prompt =
            pool.settings.device_configuration.as_ref().is_some_and(|c| c.device_only_remembered_on_user_prompt);
        d.verifier = Some(self.master.seal(&json, &aad(&pool.id, key)));
        d.confirmed = true;
        d.name = name.or(d.name);
        d.status = if prompt { DeviceStatus::NotRemembered } else { DeviceStatus::Remembered };
        d.updated_at = now_millis();
        self.store.put_device(&d).await?;
        Ok(prompt)
    }

    /// GetDevice (own).
    pub async fn get_device(&self, key: &str) -> CoreResult<Device> {
        let ctx = self.ctx;
        let user = self.user_for(ctx).await?;
        self.device_ctx(ctx.pool_id(), &user.username_key, key).await
    }

    /// ListDevices (own).
    pub async fn list_devices(
        &self,
        limit: Option<i64>,
        token: Option<&str>,
    ) -> CoreResult<(Vec<Device>, Option<String>)> {
        let ctx = self.ctx;
        let user = self.user_for(ctx).await?;
        self.list_for(ctx.pool_id(), &user, limit, token).await
    }

    /// UpdateDeviceStatus (own): `remembered` or `not_remembered`.
    pub async fn update_device_status(&self, key: &str, status: DeviceStatus) -> CoreResult<()> {
        let d = self.get_device(key).await?;
        self.set_status(d, status).await
    }

    /// ForgetDevice (own).
    pub async fn forget_device(&self, key: &str) -> CoreResult<()> {
        let ctx = self.ctx;
        self.get_device(key).await?;
        self.store.delete_device(ctx.pool_id(), key).await.map_err(|_| missing())
    }
}

impl AdminView<'_> {
    /// AdminGetDevice.
    pub async fn get_device(&self, pool: &UserPoolId, username: &str, key: &str) -> CoreResult<Device> {
        let user = self.admin_user(pool, username).await?;
        self.device_ctx(pool, &user.username_key, key).await
    }

    /// AdminListDevices.
    pub async fn list_devices(
        &self,
        pool: &UserPoolId,
        username: &str,
        limit: Option<i64>,
        token: Option<&str>,
    ) -> CoreResult<(Vec<Device>, Option<String>)> {
        let user = self.admin_user(pool, username).await?;
        self.list_for(pool, &user, limit, token).await
    }

    /// AdminUpdateDeviceStatus.
    pub async fn update_device_status(
        &self,
        pool: &UserPoolId,
        username: &str,
        key: &str,
        status: DeviceStatus,
    ) -> CoreResult<()> {
        let d = self.get_device(pool, username, key).await?;
        self.set_status(d, status).await
    }

    /// AdminForgetDevice.
    pub async fn forget_device(&self, pool: &UserPoolId, username: &str, key: &str) -> CoreResult<()> {
        self.get_device(pool, username, key).await?;
        self.store.delete_device(pool, key).await.map_err(|_| missing())
    }
}
