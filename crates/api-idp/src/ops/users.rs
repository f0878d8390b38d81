//! Admin user operations and ListUsers. All require SigV4.

use super::{Empty, Out};
use crate::convert::{attrs_in, attrs_out, mfa_options, mfa_settings, secs, sms_requested, user_type, wire_enum};
use crate::shapes::*;
use crate::ApiError;
use cognate_core::{AdminCtx, Cognate, CoreError, CreateUserInput, ListUsersInput, MessageAction};
use cognate_model::UserPoolId;

/// AdminCreateUser. Errors: UsernameExists, AliasExists, InvalidParameter, InvalidPassword,
/// UnsupportedUserState, CodeDeliveryFailure, ResourceNotFound.
pub async fn create(svc: &Cognate, ctx: &AdminCtx, req: AdminCreateUserRequest) -> Out<AdminCreateUserResponse> {
    let input = CreateUserInput {
        username: req.username,
        attributes: attrs_in(req.user_attributes),
        temporary_password: req.temporary_password,
        force_alias_creation: req.force_alias_creation.unwrap_or(false),
        message_action: req.message_action.map(|m| match m {
            MessageActionType::Resend => MessageAction::Resend,
            MessageActionType::Suppress => MessageAction::Suppress,
        }),
        delivery_mediums: req.desired_delivery_mediums.map(|m| m.iter().map(|d| d.as_str().to_string()).collect()),
    };
    let user = svc.admin_create_user(ctx, &UserPoolId::new(req.user_pool_id), input).await?;
    Ok(AdminCreateUserResponse { user: Some(user_type(&user, None)) })
}

/// AdminGetUser. Errors: UserNotFound, ResourceNotFound.
pub async fn get(svc: &Cognate, ctx: &AdminCtx, req: AdminGetUserRequest) -> Out<AdminGetUserResponse> {
    let u = svc.admin_get_user(ctx, &UserPoolId::new(req.user_pool_id), &req.username).await?;
    Ok(AdminGetUserResponse {
        username: u.username.clone(),
        user_attributes: Some(attrs_out(&u, None)),
        user_create_date: Some(secs(u.created_at)),
        user_last_modified_date: Some(secs(u.updated_at)),
        enabled: Some(u.enabled),
        user_status: wire_enum(u.status.as_str()),
        mfa_options: mfa_options(&u),
        user_mfa_setting_list: mfa_settings(&u),
        preferred_mfa_setting: u.mfa.preferred.clone(),
    })
}

/// AdminSetUserSettings (legacy MFA options). Errors: UserNotFound, InvalidParameter.
pub async fn set_settings(svc: &Cognate, ctx: &AdminCtx, req: AdminSetUserSettingsRequest) -> Out<Empty> {
    let sms = sms_requested(&req.mfa_options)?;
    svc.admin_set_user_settings(ctx, &UserPoolId::new(req.user_pool_id), &req.username, sms).await?;
    Ok(Empty {})
}

/// AdminDeleteUser. Errors: UserNotFound, ResourceNotFound.
pub async fn delete(svc: &Cognate, ctx: &AdminCtx, req: AdminDeleteUserRequest) -> Out<Empty> {
    svc.admin_delete_user(ctx, &UserPoolId::new(req.user_pool_id), &req.username).await?;
    Ok(Empty {})
}

/// AdminUpdateUserAttributes. Errors: UserNotFound, InvalidParameter, AliasExists.
pub async fn update_attributes(svc: &Cognate, ctx: &AdminCtx, req: AdminUpdateUserAttributesRequest) -> Out<Empty> {
    let attrs = attrs_in(Some(req.user_attributes));
    svc.admin_update_user_attributes(ctx, &UserPoolId::new(req.user_pool_id), &req.username, &attrs).await?;
    Ok(Empty {})
}

/// AdminDeleteUserAttributes. Errors: UserNotFound, InvalidParameter.
pub async fn delete_attributes(svc: &Cognate, ctx: &AdminCtx, req: AdminDeleteUserAttributesRequest) -> Out<Empty> {
    svc.admin_delete_user_attributes(ctx, &UserPoolId::new(req.user_pool_id), &req.username, &req.user_attribute_names)
        .await?;
    Ok(Empty {})
}

/// AdminEnableUser. Errors: UserNotFound.
pub async fn enable(svc: &Cognate, ctx: &AdminCtx, req: AdminEnableUserRequest) -> Out<Empty> {
    svc.admin_set_enabled(ctx, &UserPoolId::new(req.user_pool_id), &req.username, true).await?;
    Ok(Empty {})
}

/// AdminDisableUser (also ends the user's sessions). Errors: UserNotFound.
pub async fn disable(svc: &Cognate, ctx: &AdminCtx, req: AdminDisableUserRequest) -> Out<Empty> {
    svc.admin_set_enabled(ctx, &UserPoolId::new(req.user_pool_id), &req.username, false).await?;
    Ok(Empty {})
}

/// AdminSetUserPassword. Errors: UserNotFound, InvalidPassword.
pub async fn set_password(svc: &Cognate, ctx: &AdminCtx, req: AdminSetUserPasswordRequest) -> Out<Empty> {
    svc.admin_set_user_password(
        ctx,
        &UserPoolId::new(req.user_pool_id),
        &req.username,
        &req.password,
        req.permanent.unwrap_or(false),
    )
    .await?;
    Ok(Empty {})
}

/// AdminResetUserPassword. Errors: UserNotFound, NotAuthorized (disabled user).
pub async fn reset_password(svc: &Cognate, ctx: &AdminCtx, req: AdminResetUserPasswordRequest) -> Out<Empty> {
    svc.admin_reset_user_password(ctx, &UserPoolId::new(req.user_pool_id), &req.username).await?;
    Ok(Empty {})
}

/// AdminConfirmSignUp. Errors: UserNotFound, NotAuthorized (not UNCONFIRMED).
pub async fn confirm_sign_up(svc: &Cognate, ctx: &AdminCtx, req: AdminConfirmSignUpRequest) -> Out<Empty> {
    svc.admin_confirm_sign_up(ctx, &UserPoolId::new(req.user_pool_id), &req.username).await?;
    Ok(Empty {})
}

/// AdminUserGlobalSignOut. Errors: UserNotFound.
pub async fn global_sign_out(svc: &Cognate, ctx: &AdminCtx, req: AdminUserGlobalSignOutRequest) -> Out<Empty> {
    svc.admin_global_sign_out(ctx, &UserPoolId::new(req.user_pool_id), &req.username).await?;
    Ok(Empty {})
}

/// ListUsers with `Filter`, `AttributesToGet`, `Limit`, `PaginationToken`.
/// Errors: ResourceNotFound, InvalidParameter (filter grammar, unknown attribute, bad token).
pub async fn list(svc: &Cognate, ctx: &AdminCtx, req: ListUsersRequest) -> Out<ListUsersResponse> {
    if let Some(names) = &req.attributes_to_get {
        if let Some(bad) = names.iter().find(|n| n.is_empty() || n.contains(char::is_whitespace)) {
            return Err(ApiError::Core(CoreError::InvalidParameter(format!("Invalid attribute name {bad}."))));
        }
    }
    let listing = svc
        .list_users(
            ctx,
            &UserPoolId::new(req.user_pool_id),
            ListUsersInput { filter: req.filter, limit: req.limit, pagination_token: req.pagination_token },
        )
        .await?;
    Ok(ListUsersResponse {
        users: Some(listing.users.iter().map(|u| user_type(u, req.attributes_to_get.as_deref())).collect()),
        pagination_token: listing.pagination_token,
    })
}
