//! Groups and membership. All require SigV4.

use super::{Empty, Out};
use crate::convert::{group_type, user_type};
use crate::shapes::*;
use cognate_core::{AdminCtx, Cognate, GroupInput};
use cognate_model::UserPoolId;

/// CreateGroup. Errors: ResourceNotFound, GroupExists.
pub async fn create(svc: &Cognate, ctx: &AdminCtx, req: CreateGroupRequest) -> Out<CreateGroupResponse> {
    let input = GroupInput { description: req.description, role_arn: req.role_arn, precedence: req.precedence };
    let g = svc.create_group(ctx, &UserPoolId::new(req.user_pool_id), &req.group_name, input).await?;
    Ok(CreateGroupResponse { group: Some(group_type(&g)) })
}

/// GetGroup. Errors: ResourceNotFound.
pub async fn get(svc: &Cognate, ctx: &AdminCtx, req: GetGroupRequest) -> Out<GetGroupResponse> {
    let g = svc.get_group(ctx, &UserPoolId::new(req.user_pool_id), &req.group_name).await?;
    Ok(GetGroupResponse { group: Some(group_type(&g)) })
}

/// UpdateGroup. Errors: ResourceNotFound.
pub async fn update(svc: &Cognate, ctx: &AdminCtx, req: UpdateGroupRequest) -> Out<UpdateGroupResponse> {
    let input = GroupInput { description: req.description, role_arn: req.role_arn, precedence: req.precedence };
    let g = svc.update_group(ctx, &UserPoolId::new(req.user_pool_id), &req.group_name, input).await?;
    Ok(UpdateGroupResponse { group: Some(group_type(&g)) })
}

/// DeleteGroup. Errors: ResourceNotFound.
pub async fn delete(svc: &Cognate, ctx: &AdminCtx, req: DeleteGroupRequest) -> Out<Empty> {
    svc.delete_group(ctx, &UserPoolId::new(req.user_pool_id), &req.group_name).await?;
    Ok(Empty {})
}

/// ListGroups. Errors: ResourceNotFound.
pub async fn list(svc: &Cognate, ctx: &AdminCtx, req: ListGroupsRequest) -> Out<ListGroupsResponse> {
    let (groups, next) =
        svc.list_groups(ctx, &UserPoolId::new(req.user_pool_id), req.limit, req.next_token.as_deref()).await?;
    Ok(ListGroupsResponse { groups: Some(groups.iter().map(group_type).collect()), next_token: next })
}

/// AdminAddUserToGroup. Errors: ResourceNotFound, UserNotFound.
pub async fn add_user(svc: &Cognate, ctx: &AdminCtx, req: AdminAddUserToGroupRequest) -> Out<Empty> {
    svc.add_user_to_group(ctx, &UserPoolId::new(req.user_pool_id), &req.username, &req.group_name).await?;
    Ok(Empty {})
}

/// AdminRemoveUserFromGroup. Errors: ResourceNotFound, UserNotFound.
pub async fn remove_user(svc: &Cognate, ctx: &AdminCtx, req: AdminRemoveUserFromGroupRequest) -> Out<Empty> {
    svc.remove_user_from_group(ctx, &UserPoolId::new(req.user_pool_id), &req.username, &req.group_name).await?;
    Ok(Empty {})
}

/// AdminListGroupsForUser. Errors: ResourceNotFound, UserNotFound.
pub async fn groups_for_user(
    svc: &Cognate,
    ctx: &AdminCtx,
    req: AdminListGroupsForUserRequest,
) -> Out<AdminListGroupsForUserResponse> {
    let (groups, next) = svc
        .groups_for_user(ctx, &UserPoolId::new(req.user_pool_id), &req.username, req.limit, req.next_token.as_deref())
        .await?;
    Ok(AdminListGroupsForUserResponse { groups: Some(groups.iter().map(group_type).collect()), next_token: next })
}

/// ListUsersInGroup. Errors: ResourceNotFound.
pub async fn users_in_group(
    svc: &Cognate,
    ctx: &AdminCtx,
    req: ListUsersInGroupRequest,
) -> Out<ListUsersInGroupResponse> {
    let (users, next) = svc
        .users_in_group(ctx, &UserPoolId::new(req.user_pool_id), &req.group_name, req.limit, req.next_token.as_deref())
        .await?;
    Ok(ListUsersInGroupResponse { users: Some(users.iter().map(|u| user_type(u, None)).collect()), next_token: next })
}
