//! CreateUserPool, DescribeUserPool, UpdateUserPool, DeleteUserPool, ListUserPools,
//! AddCustomAttributes, ListTagsForResource, TagResource, UntagResource. All require SigV4.

use super::{Empty, Out};
use crate::convert::pool::{create_input, description, pool_type, schema_entries, update_input};
use crate::shapes::*;
use cognate_core::AdminView;
use cognate_model::UserPoolId;

/// CreateUserPool. Errors: InvalidParameter, LimitExceeded.
pub async fn create(admin: AdminView<'_>, req: CreateUserPoolRequest) -> Out<CreateUserPoolResponse> {
    let pool = admin.create_pool(create_input(req)?).await?;
    Ok(CreateUserPoolResponse { user_pool: Some(pool_type(&pool, admin.pool_arn(pool.id.as_str()), 0)) })
}

/// DescribeUserPool. Errors: ResourceNotFound.
pub async fn describe(admin: AdminView<'_>, req: DescribeUserPoolRequest) -> Out<DescribeUserPoolResponse> {
    let (pool, users) = admin.describe_pool(&UserPoolId::new(req.user_pool_id)).await?;
    let mut out = pool_type(&pool, admin.pool_arn(pool.id.as_str()), users);
    for d in admin.pool_domains(&pool.id).await? {
        if d.custom {
            out.custom_domain = Some(d.domain);
        } else {
            out.domain = Some(d.domain);
        }
    }
    Ok(DescribeUserPoolResponse { user_pool: Some(out) })
}

/// UpdateUserPool: replaces the whole configuration. Errors: ResourceNotFound, InvalidParameter.
pub async fn update(admin: AdminView<'_>, req: UpdateUserPoolRequest) -> Out<Empty> {
    let id = UserPoolId::new(req.user_pool_id.clone());
    admin.update_pool(&id, update_input(req)?).await?;
    Ok(Empty {})
}

/// DeleteUserPool. Errors: ResourceNotFound, InvalidParameter (deletion protection).
pub async fn delete(admin: AdminView<'_>, req: DeleteUserPoolRequest) -> Out<Empty> {
    admin.delete_pool(&UserPoolId::new(req.user_pool_id)).await?;
    Ok(Empty {})
}

/// ListUserPools. Errors: InvalidParameter (bad token).
pub async fn list(admin: AdminView<'_>, req: ListUserPoolsRequest) -> Out<ListUserPoolsResponse> {
    let (pools, next) = admin.list_pools(req.max_results, req.next_token.as_deref()).await?;
    Ok(ListUserPoolsResponse { user_pools: Some(pools.iter().map(description).collect()), next_token: next })
}

/// AddCustomAttributes. Errors: ResourceNotFound, InvalidParameter (duplicate, bad name).
pub async fn add_custom_attributes(admin: AdminView<'_>, req: AddCustomAttributesRequest) -> Out<Empty> {
    admin
        .add_custom_attributes(&UserPoolId::new(req.user_pool_id), schema_entries(Some(req.custom_attributes)))
        .await?;
    Ok(Empty {})
}

/// ListTagsForResource. Errors: ResourceNotFound.
pub async fn list_tags(admin: AdminView<'_>, req: ListTagsForResourceRequest) -> Out<ListTagsForResourceResponse> {
    Ok(ListTagsForResourceResponse { tags: Some(admin.list_tags(&req.resource_arn).await?) })
}

/// TagResource. Errors: ResourceNotFound, LimitExceeded.
pub async fn tag(admin: AdminView<'_>, req: TagResourceRequest) -> Out<Empty> {
    admin.change_tags(&req.resource_arn, req.tags, &[]).await?;
    Ok(Empty {})
}

/// UntagResource. Errors: ResourceNotFound.
pub async fn untag(admin: AdminView<'_>, req: UntagResourceRequest) -> Out<Empty> {
    admin.change_tags(&req.resource_arn, Default::default(), &req.tag_keys).await?;
    Ok(Empty {})
}
