//! Self-service operations, authorized by the `AccessToken` member alone.

use super::{Empty, Out};
use crate::convert::{attrs_in, attrs_out, mfa_options, mfa_settings, sms_requested};
use crate::shapes::*;
use cognate_core::Cognate;

/// GetUser. Errors: NotAuthorized (invalid, expired, revoked token), UserNotFound.
pub async fn get_user(svc: &Cognate, req: GetUserRequest) -> Out<GetUserResponse> {
    let ctx = svc.authenticate(&req.access_token)?;
    let u = svc.get_user(&ctx).await?;
    Ok(GetUserResponse {
        username: u.username.clone(),
        user_attributes: attrs_out(&u, None),
        mfa_options: mfa_options(&u),
        user_mfa_setting_list: mfa_settings(&u),
        preferred_mfa_setting: u.mfa.preferred.clone(),
    })
}

/// GlobalSignOut. Errors: NotAuthorized.
pub async fn global_sign_out(svc: &Cognate, req: GlobalSignOutRequest) -> Out<Empty> {
    let ctx = svc.authenticate(&req.access_token)?;
    svc.global_sign_out(&ctx).await?;
    Ok(Empty {})
}

/// ChangePassword. Errors: NotAuthorized, InvalidPassword, LimitExceeded.
pub async fn change_password(svc: &Cognate, req: ChangePasswordRequest) -> Out<Empty> {
    let ctx = svc.authenticate(&req.access_token)?;
    svc.change_password(&ctx, req.previous_password.as_deref().unwrap_or(""), &req.proposed_password).await?;
    Ok(Empty {})
}

/// DeleteUser. Errors: NotAuthorized.
pub async fn delete_user(svc: &Cognate, req: DeleteUserRequest) -> Out<Empty> {
    let ctx = svc.authenticate(&req.access_token)?;
    svc.delete_self(&ctx).await?;
    Ok(Empty {})
}

/// UpdateUserAttributes. Errors: NotAuthorized, InvalidParameter, AliasExists.
pub async fn update_attributes(svc: &Cognate, req: UpdateUserAttributesRequest) -> Out<UpdateUserAttributesResponse> {
    let ctx = svc.authenticate(&req.access_token)?;
    let sent = svc.update_own_attributes(&ctx, &attrs_in(Some(req.user_attributes))).await?;
    Ok(UpdateUserAttributesResponse {
        code_delivery_details_list: (!sent.is_empty()).then(|| sent.into_iter().map(super::signup::details).collect()),
    })
}

/// DeleteUserAttributes. Errors: NotAuthorized, InvalidParameter.
pub async fn delete_attributes(svc: &Cognate, req: DeleteUserAttributesRequest) -> Out<Empty> {
    let ctx = svc.authenticate(&req.access_token)?;
    svc.delete_own_attributes(&ctx, &req.user_attribute_names).await?;
    Ok(Empty {})
}

/// GetUserAttributeVerificationCode. Errors: NotAuthorized, InvalidParameter, CodeDeliveryFailure.
pub async fn attribute_code(
    svc: &Cognate,
    req: GetUserAttributeVerificationCodeRequest,
) -> Out<GetUserAttributeVerificationCodeResponse> {
    let ctx = svc.authenticate(&req.access_token)?;
    let d = svc.send_attribute_code(&ctx, &req.attribute_name).await?;
    Ok(GetUserAttributeVerificationCodeResponse { code_delivery_details: Some(super::signup::details(d)) })
}

/// VerifyUserAttribute. Errors: NotAuthorized, CodeMismatch, ExpiredCode, LimitExceeded.
pub async fn verify_attribute(svc: &Cognate, req: VerifyUserAttributeRequest) -> Out<Empty> {
    let ctx = svc.authenticate(&req.access_token)?;
    svc.verify_attribute(&ctx, &req.attribute_name, &req.code).await?;
    Ok(Empty {})
}

/// SetUserSettings (legacy MFA options). Errors: NotAuthorized, InvalidParameter.
pub async fn set_settings(svc: &Cognate, req: SetUserSettingsRequest) -> Out<Empty> {
    let ctx = svc.authenticate(&req.access_token)?;
    let sms = sms_requested(&req.mfa_options)?;
    svc.set_user_settings(&ctx, sms).await?;
    Ok(Empty {})
}
