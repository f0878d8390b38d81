//! User pools: create, describe, update (whole-object replace), delete, list, custom
//! attributes, tags.

use crate::attributes::{add_schema_entry, standard_schema};
use crate::error::pool_not_found;
use crate::views::AdminView;
use crate::{paging, Cognate, CoreError, CoreResult};
use cognate_model::{now_millis, PoolSettings, SchemaAttribute, UserPool, UserPoolId};
use cognate_store::StoreError;
use std::collections::BTreeMap;

/// What Create/UpdateUserPool carry. On update, `schema`, the username and alias attributes and
/// case sensitivity are immutable and kept from the existing pool.
#[derive(Debug, Clone, Default)]
pub struct PoolInput {
    /// The name (required on create; kept when absent on update).
    pub name: Option<String>,
    /// The settings as requested; `schema` holds the request's `Schema` entries as given.
    pub settings: PoolSettings,
    /// Whether the request named tags at all (absent tags stay as they are on update).
    pub tags_given: bool,
}

fn check_settings(s: &PoolSettings) -> CoreResult<()> {
    let invalid = |m: &str| Err(CoreError::InvalidParameter(m.into()));
    if !s.alias_attributes.is_empty() && !s.username_attributes.is_empty() {
        return invalid("Only one of the alias attributes or username attributes can be set in a User Pool.");
    }
    let p = &s.password_policy;
    if !(6..=99).contains(&p.minimum_length) {
        return invalid("Password policy MinimumLength must be between 6 and 99.");
    }
    if p.temporary_password_validity_days > 365 {
        return invalid("TemporaryPasswordValidityDays must be between 0 and 365.");
    }
    if s.auto_verified_attributes.iter().any(|a| a != "email" && a != "phone_number") {
        return invalid("AutoVerifiedAttributes can only contain email and phone_number.");
    }
    crate::threat::check_tier(s)?;
    crate::quotas::check_tags(&s.tags)
}

impl Cognate {
    /// Reads a pool or answers `ResourceNotFoundException`.
    pub(crate) async fn pool(&self, id: &UserPoolId) -> CoreResult<UserPool> {
        self.store.get_pool(id).await?.ok_or_else(|| pool_not_found(id.as_str()))
    }

    /// True when the pool exists (issuer metadata is public, so this takes no context).
    pub async fn pool_exists(&self, id: &UserPoolId) -> bool {
        matches!(self.store.get_pool(id).await, Ok(Some(_)))
    }

    fn pool_id_from_arn(&self, arn: &str) -> CoreResult<UserPoolId> {
        let prefix = format!("arn:aws:cognito-idp:{}:{}:userpool/", self.config.region, self.config.account_id);
        arn.strip_prefix(&prefix)
            .filter(|id| !id.is_empty())
            .map(UserPoolId::new)
            .ok_or_else(|| CoreError::ResourceNotFound(format!("Resource {arn} does not exist.")))
    }
}

impl AdminView<'_> {
    /// CreateUserPool. Requires admin. Errors: InvalidParameter, LimitExceeded.
    pub async fn create_pool(&self, input: PoolInput) -> CoreResult<UserPool> {
        let name = input.name.ok_or_else(|| CoreError::InvalidParameter("PoolName is required.".into()))?;
        let mut settings = input.settings;
        check_settings(&settings)?;
        crate::quotas::room_for(self.store.count_pools().await?, crate::quotas::POOLS, "user pools")?;
        let mut schema = standard_schema();
        for entry in std::mem::take(&mut settings.schema) {
            add_schema_entry(&mut schema, entry, true)?;
        }
        settings.schema = schema;
        let now = now_millis();
        loop {
            let pool = UserPool {
                id: UserPoolId::generate(&self.config.region),
                name: name.clone(),
                created_at: now,
                updated_at: now,
                settings: settings.clone(),
            };
            match self.store.create_pool(&pool).await {
                Ok(()) => return Ok(pool),
                Err(StoreError::Conflict(_)) => continue, // an id collision: draw again
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// DescribeUserPool. Requires admin. Returns the pool and its user count.
    pub async fn describe_pool(&self, id: &UserPoolId) -> CoreResult<(UserPool, i64)> {
        let pool = self.pool(id).await?;
        let count = self.store.count_users(id).await?;
        Ok((pool, count))
    }

    /// UpdateUserPool: replaces every mutable setting; omitted ones return to their defaults.
    pub async fn update_pool(&self, id: &UserPoolId, input: PoolInput) -> CoreResult<UserPool> {
        let mut pool = self.pool(id).await?;
        let mut s = input.settings;
        s.schema = std::mem::take(&mut pool.settings.schema);
        s.username_attributes = std::mem::take(&mut pool.settings.username_attributes);
        s.alias_attributes = std::mem::take(&mut pool.settings.alias_attributes);
        s.case_sensitive = pool.settings.case_sensitive;
        if !input.tags_given {
            s.tags = std::mem::take(&mut pool.settings.tags);
        }
        // The factors are SetUserPoolMfaConfig's; MFA on with none recorded reads as SMS
        // (`mfa::pool_factors`), as CreateUserPool's MfaConfiguration has always meant.
        s.mfa = std::mem::take(&mut pool.settings.mfa);
        // Session tracking is SetUserPoolSessionConfiguration's.
        s.session_tracking = pool.settings.session_tracking;
        // And the passkeys' relying party SetUserPoolMfaConfig's.
        s.webauthn = pool.settings.webauthn.take();
        // And the risk configuration SetRiskConfiguration's.
        s.risk = pool.settings.risk.take();
        check_settings(&s)?;
        if let Some(name) = input.name {
            pool.name = name;
        }
        pool.settings = s;
        pool.updated_at = now_millis();
        self.store.update_pool(&pool).await.map_err(|e| match e {
            StoreError::NotFound => pool_not_found(id.as_str()),
            e => e.into(),
        })?;
        Ok(pool)
    }

    /// DeleteUserPool, with everything in it. Refused while deletion protection is active.
    pub async fn delete_pool(&self, id: &UserPoolId) -> CoreResult<()> {
        let pool = self.pool(id).await?;
        if pool.settings.deletion_protection {
            return Err(CoreError::InvalidParameter(
                "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.".into(),
            ));
        }
        self.store.delete_pool(id).await.map_err(|e| match e {
            StoreError::NotFound => pool_not_found(id.as_str()),
            e => e.into(),
        })
    }

    /// ListUserPools: a page of pools and the token for the next.
    pub async fn list_pools(&self, max: i64, token: Option<&str>) -> CoreResult<(Vec<UserPool>, Option<String>)> {
        let after = paging::after(token)?;
        let limit = paging::limit(Some(max));
        let pools = self.store.list_pools(after.as_deref(), limit + 1).await?;
        Ok(paging::split(pools, limit, |x| x.id.as_str()))
    }

    /// AddCustomAttributes.
    pub async fn add_custom_attributes(&self, id: &UserPoolId, attrs: Vec<SchemaAttribute>) -> CoreResult<()> {
        let mut pool = self.pool(id).await?;
        for mut a in attrs {
            if !a.name.starts_with("custom:") {
                a.name = format!("custom:{}", a.name);
            }
            add_schema_entry(&mut pool.settings.schema, a, false)?;
        }
        pool.updated_at = now_millis();
        self.store.update_pool(&pool).await?;
        Ok(())
    }

    /// ListTagsForResource (user pools are the only taggable resource).
    pub async fn list_tags(&self, arn: &str) -> CoreResult<BTreeMap<String, String>> {
        Ok(self.pool(&self.pool_id_from_arn(arn)?).await?.settings.tags)
    }

    /// TagResource / UntagResource: adds `add` and removes `remove` keys.
    pub async fn change_tags(&self, arn: &str, add: BTreeMap<String, String>, remove: &[String]) -> CoreResult<()> {
        let mut pool = self.pool(&self.pool_id_from_arn(arn)?).await?;
        pool.settings.tags.extend(add);
        for k in remove {
            pool.settings.tags.remove(k);
        }
        crate::quotas::check_tags(&pool.settings.tags)?;
        pool.updated_at = now_millis();
        self.store.update_pool(&pool).await?;
        Ok(())
    }
}
