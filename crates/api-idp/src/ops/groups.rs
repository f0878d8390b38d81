//! Groups and membership. All require SigV4.

use super::{Empty, Out};
use crate::convert::{group_type, user_type};
use crate::shapes::*;
use cognate_core::{AdminView, GroupInput};
use cognate_model::UserPoolId;

/// CreateGroup. Errors: ResourceNotFound, GroupExists.
pub async fn create(admin: AdminView<'_>, req: CreateGroupRequest) -> Out<CreateGroupResponse> {
    let input = GroupInput { description: req.description, role_arn: req.role_arn, precedence: req.precedence };
    let g = admin.create_group(&UserPoolId::new(req.user_pool_id), &req.group_name, input).await?;
    Ok(CreateGroupResponse { group: Some(group_type(&g)) })
}

/// GetGroup. Errors: ResourceNotFound.
pub async fn get(admin: AdminView<'_>, req: GetGroupRequest) -> Out<GetGroupResponse> {
    let g = admin.get_group(&UserPoolId::new(req.user_pool_id), &req.group_name).await?;
    Ok(GetGroupResponse { group: Some(group_type(&g)) })
}

/// UpdateGroup. Errors: ResourceNotFound.
pub async fn update(admin: AdminView<'_>, req: UpdateGroupRequest) -> Out<UpdateGroupResponse> {
    let input = GroupInput { description: req.description, role_arn: req.role_arn, precedence: req.precedence };
    let g = admin.update_group(&UserPoolId::new(req.user_pool_id), &req.group_name, input).await?;
    Ok(UpdateGroupResponse { group: Some(group_type(&g)) })
}

/// DeleteGroup. Errors: ResourceNotFound.
pub async fn delete(admin: AdminView<'_>, req: DeleteGroupRequest) -> Out<Empty> {
    admin.delete_group(&UserPoolId::new(req.user_pool_id), &req.group_name).await?;
    Ok(Empty {})
}

/// ListGroups. Errors: ResourceNotFound.
pub async fn list(admin: AdminView<'_>, req: ListGroupsRequest) -> Out<ListGroupsResponse> {
    let (groups, next) =
        admin.list_groups(&UserPoolId::new(req.user_pool_id), req.limit, req.next_token.as_deref()).await?;
    Ok(ListGroupsResponse { groups: Some(groups.iter().map(group_type).collect()), next_token: next })
}

/// AdminAddUserToGroup. Errors: ResourceNotFound, UserNotFound.
pub async fn add_user(admin: AdminView<'_>, req: AdminAddUserToGroupRequest) -> Out<Empty> {
    admin.add_user_to_group(&UserPoolId::new(req.user_pool_id), &req.username, &req.group_name).await?;
    Ok(Empty {})
}

/// AdminRemoveUserFromGroup. Errors: ResourceNotFound, UserNotFound.
pub async fn remove_user(admin: AdminView<'_>, req: AdminRemoveUserFromGroupRequest) -> Out<Empty> {
    admin.remove_user_from_group(&UserPoolId::new(req.user_pool_id), &req.username, &req.group_name).await?;
    Ok(Empty {})
}

/// AdminListGroupsForUser. Errors: ResourceNotFound, UserNotFound.
pub async fn groups_for_user(
    admin: AdminView<'_>,
    req: AdminListGroupsForUserRequest,
) -> Out<AdminListGroupsForUserResponse> {
    let (groups, next) = admin
        .groups_for_user(&UserPoolId::new(req.user_pool_id), &req.username, req.limit, req.next_token.as_deref())
        .await?;
    Ok(AdminListGroupsForUserResponse { groups: Some(groups.iter().map(group_type).collect()), next_token: next })
}

/// ListUsersInGroup. Errors: ResourceNotFound.
pub async fn users_in_group(admin: AdminView<'_>, req: ListUsersInGroupRequest) -> Out<ListUsersInGroupResponse> {
    let (users, next) = admin
        .users_in_group(&UserPoolId::new(req.user_pool_id), &req.group_name, req.limit, req.next_token.as_deref())
        .await?;
    Ok(ListUsersInGroupResponse { users: Some(users.iter().map(|u| user_type(u, None)).collect()), next_token: next })
}
