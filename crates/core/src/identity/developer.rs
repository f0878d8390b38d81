//! Developer-authenticated identities, on `AdminView` (a back end's SigV4 key): the pool's
//! `DeveloperProviderName` is a login like any other, whose subject is the back end's own user
//! identifier. GetOpenIdTokenForDeveloperIdentity finds or creates the identity of a developer
//! user (linking other logins given with it) and returns a token the app presents as the
//! `cognito-identity.amazonaws.com` login; LookupDeveloperIdentity, MergeDeveloperIdentities and
//! UnlinkDeveloperIdentity manage the links.

use super::identities::amr;
use super::{identity_missing, invalid};
use crate::views::AdminView;
use crate::{CoreError, CoreResult};
use cognate_model::{now_millis, Identity, IdentityPool};
use cognate_store::StoreError;
use std::collections::BTreeMap;

/// GetOpenIdTokenForDeveloperIdentity's default token life (AWS: 15 minutes), and its bounds.
const DEFAULT_SECS: i64 = 900;
const MAX_SECS: i64 = 86_400;

fn developer_provider(pool: &IdentityPool) -> CoreResult<&str> {
    pool.developer_provider_name.as_deref().ok_or_else(|| invalid("The identity pool has no DeveloperProviderName."))
}

impl AdminView<'_> {
    /// GetOpenIdTokenForDeveloperIdentity. `logins` must name the pool's developer provider
    /// (its value the developer user identifier); other logins are verified and linked.
    /// Errors: InvalidParameter, ResourceNotFound, DeveloperUserAlreadyRegistered (the user is
    /// linked to another identity than `identity_id`), ResourceConflict, NotAuthorized.
    pub async fn open_id_token_for_developer_identity(
        &self,
        pool_id: &str,
        identity_id: Option<&str>,
        logins: &BTreeMap<String, String>,
        principal_tags: Option<&BTreeMap<String, String>>,
        token_duration: Option<i64>,
    ) -> CoreResult<(String, String)> {
        let pool = self.identity_pool(pool_id).await?;
        let dev = developer_provider(&pool)?.to_string();
        let user = logins
            .get(&dev)
            .filter(|u| !u.is_empty())
            .ok_or_else(|| invalid(format!("Logins must name the developer provider {dev}.")))?
            .clone();
        let secs = token_duration.unwrap_or(DEFAULT_SECS);
        if !(1..=MAX_SECS).contains(&secs) {
            return Err(invalid(format!("TokenDuration must be between 1 and {MAX_SECS} seconds.")));
        }
        let others: BTreeMap<String, String> =
            logins.iter().filter(|(k, _)| **k != dev).map(|(k, v)| (k.clone(), v.clone())).collect();
        let verified = self.verify_logins(&pool, &others).await?;
        let linked = self.store.identity_by_login(&pool.id, &dev, &user).await?;
        let id = match (identity_id, linked) {
            (Some(given), Some(l)) if given != l => {
                return Err(CoreError::DeveloperUserAlreadyRegistered(format!(
                    "The developer user {user} is already registered with identity {l}."
                )))
            }
            (_, Some(l)) => l,
            (Some(given), None) => {
                let (identity, _) = self.identity_and_pool(given).await?;
                if identity.pool_id != pool.id {
                    return Err(identity_missing(given));
                }
                given.to_string()
            }
            (None, None) => {
                let now = now_millis();
                let identity = Identity {
                    id: self.regional_id(),
                    pool_id: pool.id.clone(),
                    logins: BTreeMap::new(),
                    created_at: now,
                    updated_at: now,
                };
                self.store.create_identity(&identity).await?;
                identity.id
            }
        };
        let mut links = vec![(dev.clone(), user)];
        links.extend(verified.iter().map(|l| (l.provider.clone(), l.subject.clone())));
        self.store.add_logins(&id, &links, now_millis()).await.map_err(|e| match e {
            StoreError::Conflict(_) => CoreError::ResourceConflict("A login is linked to another identity.".into()),
            e => e.into(),
        })?;
        let mut methods = amr(Some(&verified));
        methods.insert(1, dev);
        let tags = principal_tags.map(|t| {
            let mut m = serde_json::Map::new();
            m.insert("https://aws.amazon.com/tags".into(), serde_json::json!({ "principal_tags": t }));
            m
        });
        let token = self.open_id_token(&id, &pool.id, &methods, secs, tags.as_ref())?;
        Ok((id, token))
    }

    /// LookupDeveloperIdentity: the identity of a developer user, or the developer users of
    /// an identity (paged). Errors: InvalidParameter, ResourceNotFound.
    pub async fn lookup_developer_identity(
        &self,
        pool_id: &str,
        identity_id: Option<&str>,
        user: Option<&str>,
    ) -> CoreResult<(String, Vec<String>)> {
        let pool = self.identity_pool(pool_id).await?;
        let dev = developer_provider(&pool)?;
        let id =
            match (identity_id, user) {
                (Some(id), _) => id.to_string(),
                (None, Some(u)) => self.store.identity_by_login(&pool.id, dev, u).await?.ok_or_else(|| {
                    CoreError::ResourceNotFound(format!("No identity is linked to developer user {u}."))
                })?,
                (None, None) => return Err(invalid("Give IdentityId or DeveloperUserIdentifier.")),
            };
        let identity = self
            .store
            .get_identity(&id)
            .await?
            .filter(|i| i.pool_id == pool.id)
            .ok_or_else(|| identity_missing(&id))?;
        let users = identity.logins.get(dev).cloned().into_iter().collect();
        Ok((identity.id, users))
    }

    /// MergeDeveloperIdentities: the source user's identity joins the destination user's (its
    /// logins move, it is deleted, its credentials end). Errors: InvalidParameter,
    /// ResourceNotFound, ResourceConflict.
    pub async fn merge_developer_identities(
        &self,
        pool_id: &str,
        provider: &str,
        source: &str,
        destination: &str,
    ) -> CoreResult<String> {
        let pool = self.identity_pool(pool_id).await?;
        if developer_provider(&pool)? != provider {
            return Err(invalid(format!("{provider} is not the identity pool's developer provider.")));
        }
        let find = |u: &str| {
            let (pool, provider, u) = (pool.id.clone(), provider.to_string(), u.to_string());
            async move {
                self.store
                    .identity_by_login(&pool, &provider, &u)
                    .await?
                    .ok_or_else(|| CoreError::ResourceNotFound(format!("No identity is linked to developer user {u}.")))
            }
        };
        let (from, to) = (find(source).await?, find(destination).await?);
        if from == to {
            return Ok(to);
        }
        // The source's developer login cannot join (the destination has one): it is dropped.
        self.store.remove_logins(&from, &[provider.to_string()], now_millis()).await?;
        self.store.merge_identities(&from, &to, now_millis()).await.map_err(|e| match e {
            StoreError::Conflict(_) => {
                CoreError::ResourceConflict("Both identities have a login of the same provider.".into())
            }
            e => e.into(),
        })?;
        self.revoke_credentials_of(&pool.id, &from).await?;
        Ok(to)
    }

    /// UnlinkDeveloperIdentity. Errors: InvalidParameter, ResourceNotFound.
    pub async fn unlink_developer_identity(
        &self,
        pool_id: &str,
        identity_id: &str,
        provider: &str,
        user: &str,
    ) -> CoreResult<()> {
        let pool = self.identity_pool(pool_id).await?;
        if developer_provider(&pool)? != provider {
            return Err(invalid(format!("{provider} is not the identity pool's developer provider.")));
        }
        let identity = self
            .store
            .get_identity(identity_id)
            .await?
            .filter(|i| i.pool_id == pool.id)
            .ok_or_else(|| identity_missing(identity_id))?;
        if identity.logins.get(provider).map(String::as_str) != Some(user) {
            return Err(CoreError::ResourceNotFound(format!("Developer user {user} is not linked to {identity_id}.")));
        }
        self.store.remove_logins(identity_id, &[provider.to_string()], now_millis()).await?;
        Ok(())
    }
}
