//! Admin user operations and ListUsers. All require SigV4.

use super::{Empty, Out};
use crate::convert::{attrs_in, attrs_out, mfa_options, mfa_settings, secs, sms_requested, user_type, wire_enum};
use crate::shapes::*;
use crate::ApiError;
use cognate_core::{AdminView, CoreError, CreateUserInput, ListUsersInput, MessageAction};
use cognate_model::UserPoolId;

/// AdminCreateUser. Errors: UsernameExists, AliasExists, InvalidParameter, InvalidPassword,
/// UnsupportedUserState, CodeDeliveryFailure, ResourceNotFound.
pub async fn create(admin: AdminView<'_>, req: AdminCreateUserRequest) -> Out<AdminCreateUserResponse> {
    let input = CreateUserInput {
        username: req.username,
        attributes: attrs_in(req.user_attributes),
        temporary_password: req.temporary_password,
        force_alias_creation: req.force_alias_creation.unwrap_or(false),
        message_action: req.message_action.map(|m| match m {
            MessageActionType::Resend => MessageAction::Resend,
            MessageActionType::Suppress => MessageAction::Suppress,
        }),
        delivery_mediums: req
            .desired_delivery_mediums
            .map(|m| m.iter().filter_map(|d| cognate_model::DeliveryMedium::parse(d.as_str())).collect()),
    };
    let user = admin.create_user(&UserPoolId::new(req.user_pool_id), input).await?;
    Ok(AdminCreateUserResponse { user: Some(user_type(&user, None)) })
}

/// AdminGetUser. Errors: UserNotFound, ResourceNotFound.
pub async fn get(admin: AdminView<'_>, req: AdminGetUserRequest) -> Out<AdminGetUserResponse> {
    let u = admin.get_user(&UserPoolId::new(req.user_pool_id), &req.username).await?;
    Ok(AdminGetUserResponse {
        username: u.username.clone(),
        user_attributes: Some(attrs_out(&u, None)),
        user_create_date: Some(secs(u.created_at)),
        user_last_modified_date: Some(secs(u.updated_at)),
        enabled: Some(u.enabled),
        user_status: wire_enum(u.status.as_str()),
        mfa_options: mfa_options(&u),
        user_mfa_setting_list: mfa_settings(&u),
        preferred_mfa_setting: u.mfa.preferred.map(|f| f.as_str().to_string()),
    })
}

/// AdminSetUserSettings (legacy MFA options). Errors: UserNotFound, InvalidParameter.
pub async fn set_settings(admin: AdminView<'_>, req: AdminSetUserSettingsRequest) -> Out<Empty> {
    let sms = sms_requested(&req.mfa_options)?;
    admin.set_user_settings(&UserPoolId::new(req.user_pool_id), &req.username, sms).await?;
    Ok(Empty {})
}

/// AdminDeleteUser. Errors: UserNotFound, ResourceNotFound.
pub async fn delete(admin: AdminView<'_>, req: AdminDeleteUserRequest) -> Out<Empty> {
    admin.delete_user(&UserPoolId::new(req.user_pool_id), &req.username).await?;
    Ok(Empty {})
}

/// AdminUpdateUserAttributes. Errors: UserNotFound, InvalidParameter, AliasExists.
pub async fn update_attributes(admin: AdminView<'_>, req: AdminUpdateUserAttributesRequest) -> Out<Empty> {
    let attrs = attrs_in(Some(req.user_attributes));
    admin.update_user_attributes(&UserPoolId::new(req.user_pool_id), &req.username, &attrs).await?;
    Ok(Empty {})
}

/// AdminDeleteUserAttributes. Errors: UserNotFound, InvalidParameter.
pub async fn delete_attributes(admin: AdminView<'_>, req: AdminDeleteUserAttributesRequest) -> Out<Empty> {
    admin.delete_user_attributes(&UserPoolId::new(req.user_pool_id), &req.username, &req.user_attribute_names).await?;
    Ok(Empty {})
}

/// AdminEnableUser. Errors: UserNotFound.
pub async fn enable(admin: AdminView<'_>, req: AdminEnableUserRequest) -> Out<Empty> {
    admin.set_enabled(&UserPoolId::new(req.user_pool_id), &req.username, true).await?;
    Ok(Empty {})
}

/// AdminDisableUser (also ends the user's sessions). Errors: UserNotFound.
pub async fn disable(admin: AdminView<'_>, req: AdminDisableUserRequest) -> Out<Empty> {
    admin.set_enabled(&UserPoolId::new(req.user_pool_id), &req.username, false).await?;
    Ok(Empty {})
}

/// AdminSetUserPassword. Errors: UserNotFound, InvalidPassword.
pub async fn set_password(admin: AdminView<'_>, req: AdminSetUserPasswordRequest) -> Out<Empty> {
    admin
        .set_user_password(
            &UserPoolId::new(req.user_pool_id),
            &req.username,
            &req.password,
            req.permanent.unwrap_or(false),
        )
        .await?;
    Ok(Empty {})
}

/// AdminResetUserPassword. Errors: UserNotFound, NotAuthorized (disabled user).
pub async fn reset_password(admin: AdminView<'_>, req: AdminResetUserPasswordRequest) -> Out<Empty> {
    admin.reset_user_password(&UserPoolId::new(req.user_pool_id), &req.username).await?;
    Ok(Empty {})
}

/// AdminConfirmSignUp. Errors: UserNotFound, NotAuthorized (not UNCONFIRMED).
pub async fn confirm_sign_up(admin: AdminView<'_>, req: AdminConfirmSignUpRequest) -> Out<Empty> {
    admin.confirm_sign_up(&UserPoolId::new(req.user_pool_id), &req.username).await?;
    Ok(Empty {})
}

/// AdminUserGlobalSignOut. Errors: UserNotFound.
pub async fn global_sign_out(admin: AdminView<'_>, req: AdminUserGlobalSignOutRequest) -> Out<Empty> {
    admin.global_sign_out(&UserPoolId::new(req.user_pool_id), &req.username).await?;
    Ok(Empty {})
}

/// ListUsers with `Filter`, `AttributesToGet`, `Limit`, `PaginationToken`.
/// Errors: ResourceNotFound, InvalidParameter (filter grammar, unknown attribute, bad token).
pub async fn list(admin: AdminView<'_>, req: ListUsersRequest) -> Out<ListUsersResponse> {
    if let Some(names) = &req.attributes_to_get {
        if let Some(bad) = names.iter().find(|n| n.is_empty() || n.contains(char::is_whitespace)) {
            return Err(ApiError::Core(CoreError::InvalidParameter(format!("Invalid attribute name {bad}."))));
        }
    }
    let listing = admin
        .list_users(
            &UserPoolId::new(req.user_pool_id),
            ListUsersInput { filter: req.filter, limit: req.limit, pagination_token: req.pagination_token },
        )
        .await?;
    Ok(ListUsersResponse {
        users: Some(listing.users.iter().map(|u| user_type(u, req.attributes_to_get.as_deref())).collect()),
        pagination_token: listing.pagination_token,
    })
}

/// AdminGetUserAuthFactors. Errors: ResourceNotFound, UserNotFound.
pub async fn auth_factors(
    admin: AdminView<'_>,
    req: AdminGetUserAuthFactorsRequest,
) -> Out<AdminGetUserAuthFactorsResponse> {
    let (u, factors) = admin.auth_factors(&UserPoolId::new(req.user_pool_id), &req.username).await?;
    Ok(AdminGetUserAuthFactorsResponse {
        username: u.username.clone(),
        configured_user_auth_factors: Some(factors.into_iter().filter_map(crate::convert::wire_enum).collect()),
        user_mfa_setting_list: mfa_settings(&u),
        preferred_mfa_setting: u.mfa.preferred.map(|f| f.as_str().to_string()),
    })
}
