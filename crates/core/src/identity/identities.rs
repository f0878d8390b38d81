//! Identities: GetId, GetCredentialsForIdentity, GetOpenIdToken and UnlinkIdentity on
//! `IdentityView` (they authorize by the logins they carry), DescribeIdentity, ListIdentities
//! and DeleteIdentities on `AdminView`.
//!
//! An identity with logins must be presented with at least one of them ("Logins don't match"
//! otherwise). Logins presented together are linked to one identity; logins that belong to
//! two different identities are a conflict. An identity without logins is a guest, allowed only
//! when the pool allows unauthenticated identities; presenting logins for it links them.

use super::credentials::CREDENTIALS_TTL_MS;
use super::logins::VerifiedLogin;
use super::{identity_missing, logins_dont_match, roles, TempCredentials, COGNITO_IDENTITY_LOGIN};
use crate::views::{AdminView, IdentityView};
use crate::{CoreError, CoreResult};
use cognate_model::{now_millis, Identity, IdentityPool};
use cognate_store::StoreError;
use std::collections::BTreeMap;

/// What GetCredentialsForIdentity answers.
#[derive(Debug, Clone)]
pub struct CredentialsForIdentity {
    /// The identity.
    pub identity_id: String,
    /// Its credentials.
    pub credentials: TempCredentials,
}

/// How long GetOpenIdToken's token lives (AWS: 10 minutes).
const OPEN_ID_TOKEN_SECS: i64 = 600;

fn unauthenticated_refused() -> CoreError {
    CoreError::NotAuthorized("Unauthenticated access is not supported for this identity pool.".into())
}

fn conflict(e: StoreError) -> CoreError {
    match e {
        StoreError::Conflict(_) => {
            CoreError::ResourceConflict("A login of this request is already linked to another identity.".into())
        }
        StoreError::NotFound => CoreError::ResourceNotFound("The identity no longer exists.".into()),
        e => e.into(),
    }
}

/// The `amr` of an identity's token.
pub(crate) fn amr(logins: Option<&[VerifiedLogin]>) -> Vec<String> {
    match logins {
        None => vec!["unauthenticated".into()],
        Some(l) => {
            let mut v = vec!["authenticated".to_string()];
            for login in l {
                v.push(login.provider.clone());
                if let Some(client) = &login.client_id {
                    v.push(format!("{}:{client}:{}", login.provider, login.subject));
                }
            }
            v
        }
    }
}

impl crate::Cognate {
    /// The identity and its pool (`ResourceNotFound` for either).
    pub(crate) async fn identity_and_pool(&self, identity_id: &str) -> CoreResult<(Identity, IdentityPool)> {
        self.store.identity_with_pool(identity_id).await?.ok_or_else(|| identity_missing(identity_id))
    }

    /// Checks that `logins` authorize `identity`: `None` for a guest, the verified logins for a
    /// signed-in identity (logins new to a guest or to the identity are linked to it).
    pub(crate) async fn authorize_identity(
        &self,
        identity: &Identity,
        pool: &IdentityPool,
        logins: &BTreeMap<String, String>,
    ) -> CoreResult<Option<Vec<VerifiedLogin>>> {
        if logins.is_empty() {
            if !identity.logins.is_empty() {
                return Err(logins_dont_match());
            }
            if !pool.allow_unauthenticated {
                return Err(unauthenticated_refused());
            }
            return Ok(None);
        }
        let verified = self.verify_logins(pool, logins).await?;
        let proves = |l: &VerifiedLogin| match &l.identity_token_of {
            Some(id) => *id == identity.id,
            None => identity.logins.get(&l.provider) == Some(&l.subject),
        };
        if !identity.logins.is_empty() && !verified.iter().any(proves) {
            return Err(logins_dont_match());
        }
        if verified.iter().any(|l| l.identity_token_of.as_ref().is_some_and(|id| *id != identity.id)) {
            return Err(logins_dont_match());
        }
        let new: Vec<(String, String)> = verified
            .iter()
            .filter(|l| l.identity_token_of.is_none() && identity.logins.get(&l.provider) != Some(&l.subject))
            .map(|l| (l.provider.clone(), l.subject.clone()))
            .collect();
        if !new.is_empty() {
            self.store.add_logins(&identity.id, &new, now_millis()).await.map_err(conflict)?;
        }
        Ok(Some(verified))
    }
}

impl IdentityView<'_> {
    /// GetId: the identity of the logins (linking them when several are given, creating it
    /// when none has one), or a new guest identity. Errors: NotAuthorized, ResourceConflict,
    /// ResourceNotFound, ExternalService.
    pub async fn get_id(&self, pool_id: &str, logins: &BTreeMap<String, String>) -> CoreResult<String> {
        let pool = self.identity_pool(pool_id).await?;
        let now = now_millis();
        let mut identity = Identity {
            id: self.regional_id(),
            pool_id: pool.id.clone(),
            logins: BTreeMap::new(),
            created_at: now,
            updated_at: now,
        };
        if logins.is_empty() {
            if !pool.allow_unauthenticated {
                return Err(unauthenticated_refused());
            }
            self.store.create_identity(&identity).await.map_err(conflict)?;
            return Ok(identity.id);
        }
        let verified = self.verify_logins(&pool, logins).await?;
        let mut found: Vec<String> = Vec::new();
        for l in &verified {
            let id = match &l.identity_token_of {
                Some(id) => Some(id.clone()),
                None => self.store.identity_by_login(&pool.id, &l.provider, &l.subject).await?,
            };
            if let Some(id) = id.filter(|id| !found.contains(id)) {
                found.push(id);
            }
        }
        let links: Vec<(String, String)> = verified
            .iter()
            .filter(|l| l.identity_token_of.is_none())
            .map(|l| (l.provider.clone(), l.subject.clone()))
            .collect();
        match found.as_slice() {
            [] => {
                identity.logins = links.into_iter().collect();
                self.store.create_identity(&identity).await.map_err(conflict)?;
                Ok(identity.id)
            }
            [one] => {
                self.store.add_logins(one, &links, now).await.map_err(conflict)?;
                Ok(one.clone())
            }
            _ => Err(CoreError::ResourceConflict("The logins belong to different identities.".into())),
        }
    }

    /// GetCredentialsForIdentity: credentials for the identity's role (one hour). Errors:
    /// NotAuthorized ("Logins don't match", guests not allowed), InvalidIdentityPoolConfiguration
    /// (no role), ResourceNotFound, ResourceConflict, ExternalService.
    pub async fn credentials_for_identity(
        &self,
        identity_id: &str,
        logins: &BTreeMap<String, String>,
        custom_role_arn: Option<&str>,
    ) -> CoreResult<CredentialsForIdentity> {
        let (identity, pool) = self.identity_and_pool(identity_id).await?;
        let verified = self.authorize_identity(&identity, &pool, logins).await?;
        let role = roles::resolve(&pool, verified.as_deref(), custom_role_arn)?;
        let credentials =
            self.mint_credentials(&identity.id, &pool.id, &role, "CognitoIdentityCredentials", CREDENTIALS_TTL_MS);
        Ok(CredentialsForIdentity { identity_id: identity.id, credentials })
    }

    /// GetOpenIdToken (the basic flow: only with `AllowClassicFlow`): a ten-minute token for
    /// STS AssumeRoleWithWebIdentity. Errors: as GetCredentialsForIdentity, and
    /// InvalidParameter when the pool does not allow the basic flow.
    pub async fn open_id_token_for(&self, identity_id: &str, logins: &BTreeMap<String, String>) -> CoreResult<String> {
        let (identity, pool) = self.identity_and_pool(identity_id).await?;
        if !pool.allow_classic_flow {
            return Err(CoreError::InvalidParameter(
                "Basic (classic) flow is not enabled, please use enhanced flow.".into(),
            ));
        }
        let verified = self.authorize_identity(&identity, &pool, logins).await?;
        self.open_id_token(&identity.id, &pool.id, &amr(verified.as_deref()), OPEN_ID_TOKEN_SECS, None)
    }

    /// UnlinkIdentity: removes `remove` from the identity's logins, for a caller who proves the
    /// identity with `logins`. Errors: NotAuthorized, ResourceNotFound.
    pub async fn unlink_identity(
        &self,
        identity_id: &str,
        logins: &BTreeMap<String, String>,
        remove: &[String],
    ) -> CoreResult<()> {
        let (identity, pool) = self.identity_and_pool(identity_id).await?;
        if logins.is_empty() {
            return Err(logins_dont_match());
        }
        self.authorize_identity(&identity, &pool, logins).await?;
        if let Some(dev) = &pool.developer_provider_name {
            if remove.contains(dev) {
                return Err(CoreError::InvalidParameter(
                    "Use UnlinkDeveloperIdentity for the developer provider.".into(),
                ));
            }
        }
        let remove: Vec<String> = remove.iter().filter(|p| *p != COGNITO_IDENTITY_LOGIN).cloned().collect();
        self.store.remove_logins(&identity.id, &remove, now_millis()).await.map_err(conflict)
    }
}

impl AdminView<'_> {
    /// DescribeIdentity. Errors: ResourceNotFound.
    pub async fn describe_identity(&self, identity_id: &str) -> CoreResult<Identity> {
        self.store.get_identity(identity_id).await?.ok_or_else(|| identity_missing(identity_id))
    }

    /// ListIdentities: a page by id and the token to continue with.
    pub async fn list_identities(
        &self,
        pool_id: &str,
        max: i64,
        token: Option<&str>,
    ) -> CoreResult<(Vec<Identity>, Option<String>)> {
        self.identity_pool(pool_id).await?;
        let (after, limit) = (crate::paging::after(token)?, crate::paging::limit(Some(max)));
        let page = self.store.list_identities(pool_id, after.as_deref(), limit + 1).await?;
        Ok(crate::paging::split(page, limit, |i| &i.id))
    }

    /// DeleteIdentities (at most 60): the identities and their logins; their credentials stop
    /// working on every node within a second (an id that names no identity is already gone).
    /// Returns the ids that could not be processed, with the reason.
    pub async fn delete_identities(&self, ids: &[String]) -> CoreResult<Vec<(String, String)>> {
        let mut unprocessed = Vec::new();
        for id in ids {
            let done = async {
                if let Some(identity) = self.store.get_identity(id).await? {
                    self.store.delete_identity(id).await?;
                    self.revoke_credentials_of(&identity.pool_id, id).await?;
                }
                Ok::<(), CoreError>(())
            };
            if let Err(e) = done.await {
                tracing::error!(identity = %id, error = %e, "identity not deleted");
                unprocessed.push((id.clone(), "InternalServerError".to_string()));
            }
        }
        Ok(unprocessed)
    }
}
