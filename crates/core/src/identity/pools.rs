//! Identity pools on `AdminView`: create, describe, update, delete, list, tags, roles and role
//! mappings, principal-tag maps.

use super::{invalid, pool_missing};
use crate::views::AdminView;
use crate::{CoreError, CoreResult};
use cognate_model::{now_millis, CognitoProvider, IdentityPool, PrincipalTagMap, RoleMapping};
use cognate_store::StoreError;
use std::collections::BTreeMap;

/// What CreateIdentityPool and UpdateIdentityPool give.
#[derive(Debug, Clone, Default)]
pub struct IdentityPoolInput {
    /// `IdentityPoolName`.
    pub name: String,
    /// `AllowUnauthenticatedIdentities`.
    pub allow_unauthenticated: bool,
    /// `AllowClassicFlow`.
    pub allow_classic_flow: Option<bool>,
    /// `SupportedLoginProviders`.
    pub supported_login_providers: Option<BTreeMap<String, String>>,
    /// `DeveloperProviderName`.
    pub developer_provider_name: Option<String>,
    /// `OpenIdConnectProviderARNs`.
    pub open_id_connect_provider_arns: Option<Vec<String>>,
    /// `CognitoIdentityProviders`.
    pub cognito_identity_providers: Option<Vec<CognitoProvider>>,
    /// `SamlProviderARNs`.
    pub saml_provider_arns: Option<Vec<String>>,
    /// `IdentityPoolTags`.
    pub tags: Option<BTreeMap<String, String>>,
}

/// What SetIdentityPoolRoles gives.
#[derive(Debug, Clone, Default)]
pub struct RolesInput {
    /// `Roles`.
    pub roles: BTreeMap<String, String>,
    /// `RoleMappings`.
    pub role_mappings: BTreeMap<String, RoleMapping>,
}

/// The social providers an identity pool accepts in `SupportedLoginProviders`.
pub(crate) const SOCIAL: [&str; 5] =
    ["graph.facebook.com", "accounts.google.com", "www.amazon.com", "appleid.apple.com", "api.twitter.com"];

/// The host/path an OIDC provider ARN names (`arn:aws:iam::{account}:oidc-provider/{host/path}`).
pub(crate) fn oidc_arn_host(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (_, host) = rest.split_once(":oidc-provider/")?;
    (!host.is_empty()).then_some(host)
}

fn is_role_arn(arn: &str) -> bool {
    arn.strip_prefix("arn:aws:iam::")
        .and_then(|r| r.split_once(":role/"))
        .is_some_and(|(acct, name)| acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty())
}

impl AdminView<'_> {
    fn check_pool_input(&self, i: &IdentityPoolInput, old: Option<&IdentityPool>) -> CoreResult<()> {
        for key in i.supported_login_providers.iter().flat_map(|m| m.keys()) {
            if !SOCIAL.contains(&key.as_str()) {
                return Err(invalid(format!("SupportedLoginProviders: {key} is not one of {}.", SOCIAL.join(", "))));
            }
        }
        for arn in i.open_id_connect_provider_arns.iter().flatten() {
            if oidc_arn_host(arn).is_none() {
                return Err(invalid(format!(
                    "{arn} is not an OIDC provider ARN (arn:aws:iam::{{account}}:oidc-provider/{{host}})."
                )));
            }
        }
        for p in i.cognito_identity_providers.iter().flatten() {
            if !p.provider_name.contains('/') || p.client_id.is_empty() {
                return Err(invalid(format!(
                    "CognitoIdentityProviders: {} must name a user pool as {{issuer host}}/{{userPoolId}} with a ClientId.",
                    p.provider_name
                )));
            }
        }
        // AWS: the developer provider name cannot change once set.
        if let (Some(old), Some(new)) =
            (old.and_then(|o| o.developer_provider_name.as_deref()), &i.developer_provider_name)
        {
            if old != new {
                return Err(invalid("DeveloperProviderName cannot be changed once set."));
            }
        }
        if let Some(d) = &i.developer_provider_name {
            if SOCIAL.contains(&d.as_str()) || d == super::COGNITO_IDENTITY_LOGIN || d.contains('/') {
                return Err(invalid(format!("{d} cannot be a DeveloperProviderName.")));
            }
        }
        Ok(())
    }

    /// CreateIdentityPool. Errors: InvalidParameter.
    pub async fn create_identity_pool(&self, i: IdentityPoolInput) -> CoreResult<IdentityPool> {
        self.check_pool_input(&i, None)?;
        let now = now_millis();
        let p = IdentityPool {
            id: self.regional_id(),
            name: i.name,
            allow_unauthenticated: i.allow_unauthenticated,
            allow_classic_flow: i.allow_classic_flow.unwrap_or(false),
            supported_login_providers: i.supported_login_providers.unwrap_or_default(),
            developer_provider_name: i.developer_provider_name,
            open_id_connect_provider_arns: i.open_id_connect_provider_arns.unwrap_or_default(),
            cognito_identity_providers: i.cognito_identity_providers.unwrap_or_default(),
            saml_provider_arns: i.saml_provider_arns.unwrap_or_default(),
            tags: i.tags.unwrap_or_default(),
            roles: BTreeMap::new(),
            role_mappings: BTreeMap::new(),
            principal_tags: BTreeMap::new(),
            created_at: now,
            updated_at: now,
        };
        self.store.create_identity_pool(&p).await?;
        Ok(p)
    }

    /// DescribeIdentityPool. Errors: ResourceNotFound.
    pub async fn describe_identity_pool(&self, id: &str) -> CoreResult<IdentityPool> {
        self.identity_pool(id).await
    }

    /// UpdateIdentityPool: the configuration is replaced by what is given (members left out
    /// are cleared, as in AWS); roles, mappings and tags stay unless tags are given.
    pub async fn update_identity_pool(&self, id: &str, i: IdentityPoolInput) -> CoreResult<IdentityPool> {
        let old = self.identity_pool(id).await?;
        self.check_pool_input(&i, Some(&old))?;
        let p = IdentityPool {
            name: i.name,
            allow_unauthenticated: i.allow_unauthenticated,
            allow_classic_flow: i.allow_classic_flow.unwrap_or(false),
            supported_login_providers: i.supported_login_providers.unwrap_or_default(),
            developer_provider_name: i.developer_provider_name.or(old.developer_provider_name.clone()),
            open_id_connect_provider_arns: i.open_id_connect_provider_arns.unwrap_or_default(),
            cognito_identity_providers: i.cognito_identity_providers.unwrap_or_default(),
            saml_provider_arns: i.saml_provider_arns.unwrap_or_default(),
            tags: i.tags.unwrap_or(old.tags.clone()),
            updated_at: now_millis(),
            ..old
        };
        self.store.update_identity_pool(&p).await.map_err(|e| not_found(e, id))?;
        Ok(p)
    }

    /// DeleteIdentityPool: the pool and its identities; their credentials stop working on every
    /// node within a second. Errors: ResourceNotFound.
    pub async fn delete_identity_pool(&self, id: &str) -> CoreResult<()> {
        self.store.delete_identity_pool(id).await.map_err(|e| not_found(e, id))?;
        self.revoke_credentials_of(id, id).await
    }

    /// ListIdentityPools: a page by id and the token to continue with.
    pub async fn list_identity_pools(
        &self,
        max: i64,
        token: Option<&str>,
    ) -> CoreResult<(Vec<IdentityPool>, Option<String>)> {
        let (after, limit) = (crate::paging::after(token)?, crate::paging::limit(Some(max)));
        let page = self.store.list_identity_pools(after.as_deref(), limit + 1).await?;
        Ok(crate::paging::split(page, limit, |p| &p.id))
    }

    /// The pool an identity-pool ARN names.
    async fn pool_by_arn(&self, arn: &str) -> CoreResult<IdentityPool> {
        let prefix =
            format!("arn:aws:cognito-identity:{}:{}:identitypool/", self.config.region, self.config.account_id);
        let id = arn.strip_prefix(&prefix).ok_or_else(|| invalid(format!("{arn} is not an identity pool ARN.")))?;
        self.identity_pool(id).await
    }

    /// TagResource (at most 50 tags a pool).
    pub async fn tag_identity_pool(&self, arn: &str, tags: BTreeMap<String, String>) -> CoreResult<()> {
        let mut p = self.pool_by_arn(arn).await?;
        p.tags.extend(tags);
        if p.tags.len() > 50 {
            return Err(CoreError::LimitExceeded("An identity pool can have at most 50 tags.".into()));
        }
        p.updated_at = now_millis();
        self.store.update_identity_pool(&p).await.map_err(|e| not_found(e, arn))
    }

    /// UntagResource.
    pub async fn untag_identity_pool(&self, arn: &str, keys: &[String]) -> CoreResult<()> {
        let mut p = self.pool_by_arn(arn).await?;
        for k in keys {
            p.tags.remove(k);
        }
        self.store.update_identity_pool(&p).await.map_err(|e| not_found(e, arn))
    }

    /// ListTagsForResource.
    pub async fn identity_pool_tags(&self, arn: &str) -> CoreResult<BTreeMap<String, String>> {
        Ok(self.pool_by_arn(arn).await?.tags)
    }

    /// SetIdentityPoolRoles: `authenticated` / `unauthenticated` roles and the role mappings
    /// of the pool's providers. Errors: InvalidParameter, ResourceNotFound.
    pub async fn set_identity_pool_roles(&self, id: &str, r: RolesInput) -> CoreResult<()> {
        let mut p = self.identity_pool(id).await?;
        for (k, arn) in &r.roles {
            if !matches!(k.as_str(), "authenticated" | "unauthenticated") {
                return Err(invalid(format!("Roles: {k} is not authenticated or unauthenticated.")));
            }
            if !is_role_arn(arn) {
                return Err(invalid(format!(
                    "Roles: {arn} is not a role ARN (arn:aws:iam::{{account}}:role/{{name}})."
                )));
            }
        }
        for (provider, m) in &r.role_mappings {
            if !self.is_pool_provider(&p, provider) {
                return Err(invalid(format!("RoleMappings: {provider} is not a provider of the identity pool.")));
            }
            match m.kind.as_str() {
                "Token" => {}
                "Rules" if (1..=25).contains(&m.rules.len()) => {}
                "Rules" => return Err(invalid("A Rules mapping needs between 1 and 25 rules.")),
                other => return Err(invalid(format!("RoleMapping Type {other} is not Token or Rules."))),
            }
            if !matches!(m.ambiguous_role_resolution.as_deref(), Some("AuthenticatedRole" | "Deny")) {
                return Err(invalid("AmbiguousRoleResolution must be AuthenticatedRole or Deny."));
            }
            for rule in &m.rules {
                if !is_role_arn(&rule.role_arn) {
                    return Err(invalid(format!("{} is not a role ARN.", rule.role_arn)));
                }
            }
        }
        p.roles = r.roles;
        p.role_mappings = r.role_mappings;
        p.updated_at = now_millis();
        self.store.update_identity_pool(&p).await.map_err(|e| not_found(e, id))
    }

    /// GetIdentityPoolRoles.
    pub async fn identity_pool_roles(&self, id: &str) -> CoreResult<IdentityPool> {
        self.identity_pool(id).await
    }

    /// SetPrincipalTagAttributeMap.
    pub async fn set_principal_tags(&self, id: &str, provider: &str, map: PrincipalTagMap) -> CoreResult<()> {
        let mut p = self.identity_pool(id).await?;
        if !self.is_pool_provider(&p, provider) {
            return Err(invalid(format!("{provider} is not a provider of the identity pool.")));
        }
        p.principal_tags.insert(provider.to_string(), map);
        p.updated_at = now_millis();
        self.store.update_identity_pool(&p).await.map_err(|e| not_found(e, id))
    }

    /// GetPrincipalTagAttributeMap (the defaults when none was set).
    pub async fn principal_tags(&self, id: &str, provider: &str) -> CoreResult<PrincipalTagMap> {
        let p = self.identity_pool(id).await?;
        if !self.is_pool_provider(&p, provider) {
            return Err(invalid(format!("{provider} is not a provider of the identity pool.")));
        }
        Ok(p.principal_tags
            .get(provider)
            .cloned()
            .unwrap_or(PrincipalTagMap { use_defaults: true, tags: BTreeMap::new() }))
    }

    /// True for a provider the pool names (a role mapping's key may add `:{clientId}` to a
    /// user pool's name).
    fn is_pool_provider(&self, p: &IdentityPool, provider: &str) -> bool {
        p.supported_login_providers.contains_key(provider)
            || p.developer_provider_name.as_deref() == Some(provider)
            || p.open_id_connect_provider_arns.iter().any(|a| oidc_arn_host(a) == Some(provider) || a == provider)
            || p.saml_provider_arns.iter().any(|a| a == provider)
            || p.cognito_identity_providers
                .iter()
                .any(|c| provider == c.provider_name || provider == format!("{}:{}", c.provider_name, c.client_id))
    }
}

fn not_found(e: StoreError, id: &str) -> CoreError {
    match e {
        StoreError::NotFound => pool_missing(id),
        e => e.into(),
    }
}
