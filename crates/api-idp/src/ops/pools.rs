//! CreateUserPool, DescribeUserPool, UpdateUserPool, DeleteUserPool, ListUserPools,
//! AddCustomAttributes, ListTagsForResource, TagResource, UntagResource. All require SigV4.

use super::{ser, Empty, Out};
use crate::convert::pool::{create_input, description, pool_type, schema_entries, update_input};
use crate::shapes::*;
use cognate_core::{AdminCtx, Cognate};
use cognate_model::UserPoolId;

/// CreateUserPool. Errors: InvalidParameter, LimitExceeded.
pub async fn create(svc: &Cognate, ctx: &AdminCtx, req: CreateUserPoolRequest) -> Out<CreateUserPoolResponse> {
    let pool = svc.create_pool(ctx, create_input(req).map_err(ser)?).await?;
    Ok(CreateUserPoolResponse { user_pool: Some(pool_type(&pool, svc.pool_arn(pool.id.as_str()), 0)) })
}

/// DescribeUserPool. Errors: ResourceNotFound.
pub async fn describe(svc: &Cognate, ctx: &AdminCtx, req: DescribeUserPoolRequest) -> Out<DescribeUserPoolResponse> {
    let (pool, users) = svc.describe_pool(ctx, &UserPoolId::new(req.user_pool_id)).await?;
    Ok(DescribeUserPoolResponse { user_pool: Some(pool_type(&pool, svc.pool_arn(pool.id.as_str()), users)) })
}

/// UpdateUserPool: replaces the whole configuration. Errors: ResourceNotFound, InvalidParameter.
pub async fn update(svc: &Cognate, ctx: &AdminCtx, req: UpdateUserPoolRequest) -> Out<Empty> {
    let id = UserPoolId::new(req.user_pool_id.clone());
    svc.update_pool(ctx, &id, update_input(req).map_err(ser)?).await?;
    Ok(Empty {})
}

/// DeleteUserPool. Errors: ResourceNotFound, InvalidParameter (deletion protection).
pub async fn delete(svc: &Cognate, ctx: &AdminCtx, req: DeleteUserPoolRequest) -> Out<Empty> {
    svc.delete_pool(ctx, &UserPoolId::new(req.user_pool_id)).await?;
    Ok(Empty {})
}

/// ListUserPools. Errors: InvalidParameter (bad token).
pub async fn list(svc: &Cognate, ctx: &AdminCtx, req: ListUserPoolsRequest) -> Out<ListUserPoolsResponse> {
    let (pools, next) = svc.list_pools(ctx, req.max_results, req.next_token.as_deref()).await?;
    Ok(ListUserPoolsResponse { user_pools: Some(pools.iter().map(description).collect()), next_token: next })
}

/// AddCustomAttributes. Errors: ResourceNotFound, InvalidParameter (duplicate, bad name).
pub async fn add_custom_attributes(svc: &Cognate, ctx: &AdminCtx, req: AddCustomAttributesRequest) -> Out<Empty> {
    svc.add_custom_attributes(ctx, &UserPoolId::new(req.user_pool_id), schema_entries(Some(req.custom_attributes)))
        .await?;
    Ok(Empty {})
}

/// ListTagsForResource. Errors: ResourceNotFound.
pub async fn list_tags(
    svc: &Cognate,
    ctx: &AdminCtx,
    req: ListTagsForResourceRequest,
) -> Out<ListTagsForResourceResponse> {
    Ok(ListTagsForResourceResponse { tags: Some(svc.list_tags(ctx, &req.resource_arn).await?) })
}

/// TagResource. Errors: ResourceNotFound, LimitExceeded.
pub async fn tag(svc: &Cognate, ctx: &AdminCtx, req: TagResourceRequest) -> Out<Empty> {
    svc.change_tags(ctx, &req.resource_arn, req.tags, &[]).await?;
    Ok(Empty {})
}

/// UntagResource. Errors: ResourceNotFound.
pub async fn untag(svc: &Cognate, ctx: &AdminCtx, req: UntagResourceRequest) -> Out<Empty> {
    svc.change_tags(ctx, &req.resource_arn, Default::default(), &req.tag_keys).await?;
    Ok(Empty {})
}
