//! Identity pools (SigV4 admin): CRUD, tags, roles and role mappings, principal tags.

use super::{Empty, Out};
use crate::shapes::*;
use cognate_core::identity::{IdentityPoolInput, RolesInput};
use cognate_core::AdminView;
use cognate_model as m;

fn providers_in(list: Option<Vec<CognitoIdentityProvider>>) -> Option<Vec<m::CognitoProvider>> {
    list.map(|l| {
        l.into_iter()
            .map(|p| m::CognitoProvider {
                provider_name: p.provider_name.unwrap_or_default(),
                client_id: p.client_id.unwrap_or_default(),
                server_side_token_check: p.server_side_token_check.unwrap_or(false),
            })
            .collect()
    })
}

fn pool_out(p: m::IdentityPool) -> IdentityPool {
    let some_vec = |v: Vec<String>| Some(v);
    IdentityPool {
        identity_pool_id: p.id,
        identity_pool_name: p.name,
        allow_unauthenticated_identities: p.allow_unauthenticated,
        allow_classic_flow: Some(p.allow_classic_flow),
        supported_login_providers: Some(p.supported_login_providers),
        developer_provider_name: p.developer_provider_name,
        open_id_connect_provider_arns: some_vec(p.open_id_connect_provider_arns),
        cognito_identity_providers: Some(
            p.cognito_identity_providers
                .into_iter()
                .map(|c| CognitoIdentityProvider {
                    provider_name: Some(c.provider_name),
                    client_id: Some(c.client_id),
                    server_side_token_check: Some(c.server_side_token_check),
                })
                .collect(),
        ),
        saml_provider_arns: some_vec(p.saml_provider_arns),
        identity_pool_tags: Some(p.tags),
    }
}

/// CreateIdentityPool's members, for core (UpdateIdentityPool's input has the same ones, and the
/// pool's id).
fn pool_input(req: CreateIdentityPoolInput) -> IdentityPoolInput {
    IdentityPoolInput {
        name: req.identity_pool_name,
        allow_unauthenticated: req.allow_unauthenticated_identities,
        allow_classic_flow: req.allow_classic_flow,
        supported_login_providers: req.supported_login_providers,
        developer_provider_name: req.developer_provider_name,
        open_id_connect_provider_arns: req.open_id_connect_provider_arns,
        cognito_identity_providers: providers_in(req.cognito_identity_providers),
        saml_provider_arns: req.saml_provider_arns,
        tags: req.identity_pool_tags,
    }
}

/// CreateIdentityPool. Errors: InvalidParameter.
pub async fn create(admin: AdminView<'_>, req: CreateIdentityPoolInput) -> Out<IdentityPool> {
    Ok(pool_out(admin.create_identity_pool(pool_input(req)).await?))
}

/// DescribeIdentityPool. Errors: ResourceNotFound.
pub async fn describe(admin: AdminView<'_>, req: DescribeIdentityPoolInput) -> Out<IdentityPool> {
    Ok(pool_out(admin.describe_identity_pool(&req.identity_pool_id).await?))
}

/// UpdateIdentityPool (its input is the `IdentityPool` shape: CreateIdentityPool's members and
/// the id). Errors: InvalidParameter, ResourceNotFound.
pub async fn update(admin: AdminView<'_>, req: IdentityPool) -> Out<IdentityPool> {
    let same: CreateIdentityPoolInput = cognate_api::json_target::reshape(&req).map_err(super::ser)?;
    Ok(pool_out(admin.update_identity_pool(&req.identity_pool_id, pool_input(same)).await?))
}

/// DeleteIdentityPool. Errors: ResourceNotFound.
pub async fn delete(admin: AdminView<'_>, req: DeleteIdentityPoolInput) -> Out<Empty> {
    admin.delete_identity_pool(&req.identity_pool_id).await?;
    Ok(Empty {})
}

/// ListIdentityPools.
pub async fn list(admin: AdminView<'_>, req: ListIdentityPoolsInput) -> Out<ListIdentityPoolsResponse> {
    let (page, next) = admin.list_identity_pools(req.max_results, req.next_token.as_deref()).await?;
    let identity_pools = page
        .into_iter()
        .map(|p| IdentityPoolShortDescription { identity_pool_id: Some(p.id), identity_pool_name: Some(p.name) })
        .collect();
    Ok(ListIdentityPoolsResponse { identity_pools: Some(identity_pools), next_token: next })
}

/// TagResource.
pub async fn tag(admin: AdminView<'_>, req: TagResourceInput) -> Out<Empty> {
    admin.tag_identity_pool(&req.resource_arn, req.tags).await?;
    Ok(Empty {})
}

/// UntagResource.
pub async fn untag(admin: AdminView<'_>, req: UntagResourceInput) -> Out<Empty> {
    admin.untag_identity_pool(&req.resource_arn, &req.tag_keys).await?;
    Ok(Empty {})
}

/// ListTagsForResource.
pub async fn tags(admin: AdminView<'_>, req: ListTagsForResourceInput) -> Out<ListTagsForResourceResponse> {
    Ok(ListTagsForResourceResponse { tags: Some(admin.identity_pool_tags(&req.resource_arn).await?) })
}

/// SetIdentityPoolRoles. Errors: InvalidParameter, ResourceNotFound.
pub async fn set_roles(admin: AdminView<'_>, req: SetIdentityPoolRolesInput) -> Out<Empty> {
    let role_mappings = req
        .role_mappings
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            let mapping = m::RoleMapping {
                kind: v.r#type.as_str().to_string(),
                ambiguous_role_resolution: v.ambiguous_role_resolution.map(|a| a.as_str().to_string()),
                rules: v
                    .rules_configuration
                    .map(|r| r.rules)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| m::MappingRule {
                        claim: r.claim,
                        match_type: r.match_type.as_str().to_string(),
                        value: r.value,
                        role_arn: r.role_arn,
                    })
                    .collect(),
            };
            (k, mapping)
        })
        .collect();
    admin.set_identity_pool_roles(&req.identity_pool_id, RolesInput { roles: req.roles, role_mappings }).await?;
    Ok(Empty {})
}

fn parse<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

/// GetIdentityPoolRoles. Errors: ResourceNotFound.
pub async fn get_roles(admin: AdminView<'_>, req: GetIdentityPoolRolesInput) -> Out<GetIdentityPoolRolesResponse> {
    let p = admin.identity_pool_roles(&req.identity_pool_id).await?;
    let role_mappings = p
        .role_mappings
        .into_iter()
        .map(|(k, v)| {
            let rules = (v.kind == "Rules").then(|| RulesConfigurationType {
                rules: v
                    .rules
                    .into_iter()
                    .map(|r| MappingRule {
                        claim: r.claim,
                        match_type: parse(&r.match_type).unwrap_or_default(),
                        role_arn: r.role_arn,
                        value: r.value,
                    })
                    .collect(),
            });
            let mapping = RoleMapping {
                r#type: parse(&v.kind).unwrap_or_default(),
                ambiguous_role_resolution: v.ambiguous_role_resolution.as_deref().and_then(parse),
                rules_configuration: rules,
            };
            (k, mapping)
        })
        .collect();
    Ok(GetIdentityPoolRolesResponse {
        identity_pool_id: Some(p.id),
        roles: Some(p.roles),
        role_mappings: Some(role_mappings),
    })
}

/// SetPrincipalTagAttributeMap. Errors: InvalidParameter, ResourceNotFound.
pub async fn set_principal_tags(
    admin: AdminView<'_>,
    req: SetPrincipalTagAttributeMapInput,
) -> Out<SetPrincipalTagAttributeMapResponse> {
    let map = m::PrincipalTagMap {
        use_defaults: req.use_defaults.unwrap_or(true),
        tags: req.principal_tags.clone().unwrap_or_default(),
    };
    admin.set_principal_tags(&req.identity_pool_id, &req.identity_provider_name, map.clone()).await?;
    Ok(SetPrincipalTagAttributeMapResponse {
        identity_pool_id: Some(req.identity_pool_id),
        identity_provider_name: Some(req.identity_provider_name),
        principal_tags: Some(map.tags),
        use_defaults: Some(map.use_defaults),
    })
}

/// GetPrincipalTagAttributeMap. Errors: InvalidParameter, ResourceNotFound.
pub async fn get_principal_tags(
    admin: AdminView<'_>,
    req: GetPrincipalTagAttributeMapInput,
) -> Out<GetPrincipalTagAttributeMapResponse> {
    let map = admin.principal_tags(&req.identity_pool_id, &req.identity_provider_name).await?;
    Ok(GetPrincipalTagAttributeMapResponse {
        identity_pool_id: Some(req.identity_pool_id),
        identity_provider_name: Some(req.identity_provider_name),
        principal_tags: Some(map.tags),
        use_defaults: Some(map.use_defaults),
    })
}
