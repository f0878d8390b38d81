//! SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword
//! (public: authorized by the app client and its secret hash).

use super::{Empty, Out};
use crate::convert::{attrs_in, wire_enum};
use crate::shapes::*;
use cognate_core::{AccountView, CodeDelivery, SignUpInput};

/// `CodeDeliveryDetailsType` from the core's delivery record.
pub fn details(d: CodeDelivery) -> CodeDeliveryDetailsType {
    CodeDeliveryDetailsType {
        destination: Some(d.destination),
        delivery_medium: wire_enum(d.medium.as_str()),
        attribute_name: Some(d.attribute),
    }
}

/// SignUp. Errors: UsernameExists, InvalidPassword, InvalidParameter, NotAuthorized, CodeDeliveryFailure.
pub async fn sign_up(account: AccountView<'_>, req: SignUpRequest) -> Out<SignUpResponse> {
    let password = req.password.filter(|p| !p.is_empty());
    let r = account
        .sign_up(SignUpInput {
            client_id: req.client_id,
            secret_hash: req.secret_hash,
            username: req.username,
            password,
            attributes: attrs_in(req.user_attributes),
        })
        .await?;
    Ok(SignUpResponse {
        user_confirmed: r.confirmed,
        user_sub: r.user_sub,
        code_delivery_details: r.delivery.map(details),
        session: None,
    })
}

/// ConfirmSignUp. Errors: CodeMismatch, ExpiredCode, LimitExceeded, NotAuthorized, AliasExists.
pub async fn confirm_sign_up(account: AccountView<'_>, req: ConfirmSignUpRequest) -> Out<ConfirmSignUpResponse> {
    let session = account
        .confirm_sign_up(
            &req.client_id,
            req.secret_hash.as_deref(),
            &req.username,
            &req.confirmation_code,
            req.force_alias_creation.unwrap_or(false),
        )
        .await?;
    Ok(ConfirmSignUpResponse { session: Some(session) })
}

/// ResendConfirmationCode. Errors: InvalidParameter, UserNotFound (LEGACY), CodeDeliveryFailure.
pub async fn resend(
    account: AccountView<'_>,
    req: ResendConfirmationCodeRequest,
) -> Out<ResendConfirmationCodeResponse> {
    let d = account.resend_confirmation_code(&req.client_id, req.secret_hash.as_deref(), &req.username).await?;
    Ok(ResendConfirmationCodeResponse { code_delivery_details: Some(details(d)) })
}

/// ForgotPassword. Errors: InvalidParameter (no verified contact), UserNotFound (LEGACY), CodeDeliveryFailure.
pub async fn forgot_password(account: AccountView<'_>, req: ForgotPasswordRequest) -> Out<ForgotPasswordResponse> {
    let d = account.forgot_password(&req.client_id, req.secret_hash.as_deref(), &req.username).await?;
    Ok(ForgotPasswordResponse { code_delivery_details: Some(details(d)) })
}

/// ConfirmForgotPassword. Errors: CodeMismatch, ExpiredCode, LimitExceeded, InvalidPassword.
pub async fn confirm_forgot_password(account: AccountView<'_>, req: ConfirmForgotPasswordRequest) -> Out<Empty> {
    account
        .confirm_forgot_password(
            &req.client_id,
            req.secret_hash.as_deref(),
            &req.username,
            &req.confirmation_code,
            &req.password,
        )
        .await?;
    Ok(Empty {})
}
