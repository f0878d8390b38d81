//! Resource servers: the custom scopes (`{identifier}/{scope}`) that app clients may be allowed
//! and the client-credentials grant hands out. All require SigV4.

use super::{Empty, Out};
use crate::shapes::*;
use cognate_core::AdminView;
use cognate_model::{ResourceServer, Scope, UserPoolId};

fn scopes_in(scopes: Option<Vec<ResourceServerScopeType>>) -> Vec<Scope> {
    scopes
        .unwrap_or_default()
        .into_iter()
        .map(|s| Scope { name: s.scope_name, description: s.scope_description })
        .collect()
}

fn server_type(r: &ResourceServer) -> ResourceServerType {
    ResourceServerType {
        identifier: Some(r.identifier.clone()),
        managed_by: None,
        name: Some(r.name.clone()),
        scopes: Some(
            r.scopes
                .iter()
                .map(|s| ResourceServerScopeType {
                    scope_name: s.name.clone(),
                    scope_description: s.description.clone(),
                })
                .collect(),
        ),
        user_pool_id: Some(r.pool_id.to_string()),
    }
}

/// CreateResourceServer. Errors: InvalidParameter (exists, duplicate scope), LimitExceeded,
/// ResourceNotFound.
pub async fn create(admin: AdminView<'_>, req: CreateResourceServerRequest) -> Out<CreateResourceServerResponse> {
    let pool = UserPoolId::new(req.user_pool_id);
    let r = admin.put_resource_server(&pool, &req.identifier, &req.name, scopes_in(req.scopes), true).await?;
    Ok(CreateResourceServerResponse { resource_server: server_type(&r) })
}

/// DescribeResourceServer. Errors: ResourceNotFound.
pub async fn describe(admin: AdminView<'_>, req: DescribeResourceServerRequest) -> Out<DescribeResourceServerResponse> {
    let r = admin.describe_resource_server(&UserPoolId::new(req.user_pool_id), &req.identifier).await?;
    Ok(DescribeResourceServerResponse { resource_server: server_type(&r) })
}

/// UpdateResourceServer: replaces the name and scopes. Errors: InvalidParameter,
/// ResourceNotFound.
pub async fn update(admin: AdminView<'_>, req: UpdateResourceServerRequest) -> Out<UpdateResourceServerResponse> {
    let pool = UserPoolId::new(req.user_pool_id);
    let r = admin.put_resource_server(&pool, &req.identifier, &req.name, scopes_in(req.scopes), false).await?;
    Ok(UpdateResourceServerResponse { resource_server: server_type(&r) })
}

/// DeleteResourceServer. Errors: ResourceNotFound.
pub async fn delete(admin: AdminView<'_>, req: DeleteResourceServerRequest) -> Out<Empty> {
    admin.delete_resource_server(&UserPoolId::new(req.user_pool_id), &req.identifier).await?;
    Ok(Empty {})
}

/// ListResourceServers. Errors: ResourceNotFound.
pub async fn list(admin: AdminView<'_>, req: ListResourceServersRequest) -> Out<ListResourceServersResponse> {
    let (servers, next) = admin
        .list_resource_servers(&UserPoolId::new(req.user_pool_id), req.max_results, req.next_token.as_deref())
        .await?;
    Ok(ListResourceServersResponse { next_token: next, resource_servers: servers.iter().map(server_type).collect() })
}
