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
