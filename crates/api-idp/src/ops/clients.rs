//! Create/Describe/Update/Delete/ListUserPoolClients. All require SigV4.

use super::{ser, Empty, Out};
use crate::convert::client::{client_type, input_from};
use crate::shapes::*;
use cognate_core::AdminView;
use cognate_model::{ClientId, UserPoolId};

/// CreateUserPoolClient. Errors: ResourceNotFound, InvalidParameter, InvalidOAuthFlow.
pub async fn create(admin: AdminView<'_>, req: CreateUserPoolClientRequest) -> Out<CreateUserPoolClientResponse> {
    let input = input_from(&req).map_err(ser)?;
    let c = admin.create_client(&UserPoolId::new(req.user_pool_id), input).await?;
    Ok(CreateUserPoolClientResponse { user_pool_client: Some(client_type(&c)) })
}

/// DescribeUserPoolClient. Errors: ResourceNotFound.
pub async fn describe(admin: AdminView<'_>, req: DescribeUserPoolClientRequest) -> Out<DescribeUserPoolClientResponse> {
    let c = admin.describe_client(&UserPoolId::new(req.user_pool_id), &ClientId::new(req.client_id)).await?;
    Ok(DescribeUserPoolClientResponse { user_pool_client: Some(client_type(&c)) })
}

/// UpdateUserPoolClient: replaces every setting. Errors: ResourceNotFound, InvalidParameter.
pub async fn update(admin: AdminView<'_>, req: UpdateUserPoolClientRequest) -> Out<UpdateUserPoolClientResponse> {
    let input = input_from(&req).map_err(ser)?;
    let c = admin.update_client(&UserPoolId::new(req.user_pool_id), &ClientId::new(req.client_id), input).await?;
    Ok(UpdateUserPoolClientResponse { user_pool_client: Some(client_type(&c)) })
}

/// DeleteUserPoolClient. Errors: ResourceNotFound.
pub async fn delete(admin: AdminView<'_>, req: DeleteUserPoolClientRequest) -> Out<Empty> {
    admin.delete_client(&UserPoolId::new(req.user_pool_id), &ClientId::new(req.client_id)).await?;
    Ok(Empty {})
}

/// ListUserPoolClients. Errors: ResourceNotFound, InvalidParameter (bad token).
pub async fn list(admin: AdminView<'_>, req: ListUserPoolClientsRequest) -> Out<ListUserPoolClientsResponse> {
    let (clients, next) =
        admin.list_clients(&UserPoolId::new(req.user_pool_id), req.max_results, req.next_token.as_deref()).await?;
    Ok(ListUserPoolClientsResponse {
        user_pool_clients: Some(
            clients
                .iter()
                .map(|c| UserPoolClientDescription {
                    client_id: Some(c.client_id.to_string()),
                    user_pool_id: Some(c.pool_id.to_string()),
                    client_name: Some(c.name.clone()),
                })
                .collect(),
        ),
        next_token: next,
    })
}

/// AddUserPoolClientSecret: the value is answered only when Cognate generated it.
pub async fn add_secret(
    admin: AdminView<'_>,
    req: AddUserPoolClientSecretRequest,
) -> Out<AddUserPoolClientSecretResponse> {
    let (pool, id) = (UserPoolId::new(req.user_pool_id), ClientId::new(req.client_id));
    let (secret_id, value, created) = admin.add_client_secret(&pool, &id, req.client_secret.as_deref()).await?;
    Ok(AddUserPoolClientSecretResponse {
        client_secret_descriptor: Some(ClientSecretDescriptorType {
            client_secret_id: Some(secret_id),
            client_secret_value: value,
            client_secret_create_date: Some(crate::convert::secs(created)),
        }),
    })
}

/// ListUserPoolClientSecrets: never the values; at most two, so no next page.
pub async fn list_secrets(
    admin: AdminView<'_>,
    req: ListUserPoolClientSecretsRequest,
) -> Out<ListUserPoolClientSecretsResponse> {
    let (pool, id) = (UserPoolId::new(req.user_pool_id), ClientId::new(req.client_id));
    let all = admin.list_client_secrets(&pool, &id).await?;
    Ok(ListUserPoolClientSecretsResponse {
        client_secrets: Some(
            all.into_iter()
                .map(|s| ClientSecretDescriptorType {
                    client_secret_id: Some(s.id),
                    client_secret_value: None,
                    client_secret_create_date: Some(crate::convert::secs(s.created_at)),
                })
                .collect(),
        ),
        next_token: None,
    })
}

/// DeleteUserPoolClientSecret.
pub async fn delete_secret(
    admin: AdminView<'_>,
    req: DeleteUserPoolClientSecretRequest,
) -> Out<DeleteUserPoolClientSecretResponse> {
    let (pool, id) = (UserPoolId::new(req.user_pool_id), ClientId::new(req.client_id));
    admin.delete_client_secret(&pool, &id, &req.client_secret_id).await?;
    Ok(DeleteUserPoolClientSecretResponse {})
}
