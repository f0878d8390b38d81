//! Self-service operations: each gets the `UserView` of its checked `AccessToken`.

use super::{Empty, Out};
use crate::convert::{attrs_in, attrs_out, mfa_options, mfa_settings, sms_requested};
use crate::shapes::*;
use cognate_core::UserView;

/// GetUser. Errors: NotAuthorized (invalid, expired, revoked token), UserNotFound.
pub async fn get_user(me: UserView<'_>, _req: GetUserRequest) -> Out<GetUserResponse> {
    let u = me.get_user().await?;
    Ok(GetUserResponse {
        username: u.username.clone(),
        user_attributes: attrs_out(&u, None),
        mfa_options: mfa_options(&u),
        user_mfa_setting_list: mfa_settings(&u),
        preferred_mfa_setting: u.mfa.preferred.map(|f| f.as_str().to_string()),
    })
}

/// GlobalSignOut. Errors: NotAuthorized.
pub async fn global_sign_out(me: UserView<'_>, _req: GlobalSignOutRequest) -> Out<Empty> {
    me.global_sign_out().await?;
    Ok(Empty {})
}

/// ChangePassword. Errors: NotAuthorized, InvalidPassword, LimitExceeded.
pub async fn change_password(me: UserView<'_>, req: ChangePasswordRequest) -> Out<Empty> {
    me.change_password(req.previous_password.as_deref().unwrap_or(""), &req.proposed_password).await?;
    Ok(Empty {})
}

/// DeleteUser. Errors: NotAuthorized.
pub async fn delete_user(me: UserView<'_>, _req: DeleteUserRequest) -> Out<Empty> {
    me.delete_self().await?;
    Ok(Empty {})
}

/// UpdateUserAttributes. Errors: NotAuthorized, InvalidParameter, AliasExists.
pub async fn update_attributes(
    me: UserView<'_>,
    req: UpdateUserAttributesRequest,
) -> Out<UpdateUserAttributesResponse> {
    let sent = me.update_attributes(&attrs_in(Some(req.user_attributes))).await?;
    Ok(UpdateUserAttributesResponse {
        code_delivery_details_list: (!sent.is_empty()).then(|| sent.into_iter().map(super::signup::details).collect()),
    })
}

/// DeleteUserAttributes. Errors: NotAuthorized, InvalidParameter.
pub async fn delete_attributes(me: UserView<'_>, req: DeleteUserAttributesRequest) -> Out<Empty> {
    me.delete_attributes(&req.user_attribute_names).await?;
    Ok(Empty {})
}

/// GetUserAttributeVerificationCode. Errors: NotAuthorized, InvalidParameter, CodeDeliveryFailure.
pub async fn attribute_code(
    me: UserView<'_>,
    req: GetUserAttributeVerificationCodeRequest,
) -> Out<GetUserAttributeVerificationCodeResponse> {
    let d = me.send_attribute_code(&req.attribute_name).await?;
    Ok(GetUserAttributeVerificationCodeResponse { code_delivery_details: Some(super::signup::details(d)) })
}

/// VerifyUserAttribute. Errors: NotAuthorized, CodeMismatch, ExpiredCode, LimitExceeded.
pub async fn verify_attribute(me: UserView<'_>, req: VerifyUserAttributeRequest) -> Out<Empty> {
    me.verify_attribute(&req.attribute_name, &req.code).await?;
    Ok(Empty {})
}

/// SetUserSettings (legacy MFA options). Errors: NotAuthorized, InvalidParameter.
pub async fn set_settings(me: UserView<'_>, req: SetUserSettingsRequest) -> Out<Empty> {
    let sms = sms_requested(&req.mfa_options)?;
    me.set_user_settings(sms).await?;
    Ok(Empty {})
}

/// GetUserAuthFactors: the MFA settings and the USER_AUTH first factors of the caller.
/// Errors: NotAuthorized.
pub async fn auth_factors(me: UserView<'_>, _req: GetUserAuthFactorsRequest) -> Out<GetUserAuthFactorsResponse> {
    let (u, factors) = me.auth_factors().await?;
    Ok(GetUserAuthFactorsResponse {
        username: u.username.clone(),
        configured_user_auth_factors: Some(factors.into_iter().filter_map(crate::convert::wire_enum).collect()),
        user_mfa_setting_list: mfa_settings(&u),
        preferred_mfa_setting: u.mfa.preferred.map(|f| f.as_str().to_string()),
    })
}
