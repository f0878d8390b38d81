//! Remembered devices: ConfirmDevice, GetDevice, ListDevices, UpdateDeviceStatus, ForgetDevice
//! (access token) and their Admin* twins (SigV4).

use super::{Empty, Out};
use crate::convert::secs;
use crate::shapes::*;
use crate::ApiError;
use cognate_core::{AdminCtx, Cognate, CoreError};
use cognate_model::{Device, UserPoolId};

fn device_type(d: &Device) -> DeviceType {
    let mut attrs = vec![AttributeType { name: "device_status".into(), value: Some(d.status.clone()) }];
    if let Some(n) = &d.name {
        attrs.push(AttributeType { name: "device_name".into(), value: Some(n.clone()) });
    }
    if let Some(ip) = &d.last_ip {
        attrs.push(AttributeType { name: "last_ip_used".into(), value: Some(ip.clone()) });
    }
    DeviceType {
        device_key: Some(d.device_key.clone()),
        device_attributes: Some(attrs),
        device_create_date: Some(secs(d.created_at)),
        device_last_modified_date: Some(secs(d.updated_at)),
        device_last_authenticated_date: Some(secs(d.last_auth_at)),
    }
}

fn status(s: Option<DeviceRememberedStatusType>) -> &'static str {
    s.map(|s| s.as_str()).unwrap_or("not_remembered")
}

fn token(t: Option<String>) -> Result<String, ApiError> {
    t.ok_or_else(|| ApiError::Core(CoreError::NotAuthorized("Missing access token.".into())))
}

/// ConfirmDevice. Errors: NotAuthorized, ResourceNotFound ("Device does not exist."), InvalidParameter.
pub async fn confirm(svc: &Cognate, req: ConfirmDeviceRequest) -> Out<ConfirmDeviceResponse> {
    let ctx = svc.authenticate(&req.access_token)?;
    let cfg = req.device_secret_verifier_config.unwrap_or_default();
    let prompt = svc
        .confirm_device(
            &ctx,
            &req.device_key,
            req.device_name,
            cfg.password_verifier.as_deref().unwrap_or(""),
            cfg.salt.as_deref().unwrap_or(""),
        )
        .await?;
    Ok(ConfirmDeviceResponse { user_confirmation_necessary: Some(prompt) })
}

/// GetDevice. Errors: NotAuthorized, ResourceNotFound.
pub async fn get(svc: &Cognate, req: GetDeviceRequest) -> Out<GetDeviceResponse> {
    let ctx = svc.authenticate(&token(req.access_token)?)?;
    Ok(GetDeviceResponse { device: device_type(&svc.get_device(&ctx, &req.device_key).await?) })
}

/// ListDevices. Errors: NotAuthorized, InvalidParameter (token).
pub async fn list(svc: &Cognate, req: ListDevicesRequest) -> Out<ListDevicesResponse> {
    let ctx = svc.authenticate(&req.access_token)?;
    let (devices, next) = svc.list_devices(&ctx, req.limit, req.pagination_token.as_deref()).await?;
    Ok(ListDevicesResponse { devices: Some(devices.iter().map(device_type).collect()), pagination_token: next })
}

/// UpdateDeviceStatus. Errors: NotAuthorized, ResourceNotFound.
pub async fn update_status(svc: &Cognate, req: UpdateDeviceStatusRequest) -> Out<Empty> {
    let ctx = svc.authenticate(&req.access_token)?;
    svc.update_device_status(&ctx, &req.device_key, status(req.device_remembered_status)).await?;
    Ok(Empty {})
}

/// ForgetDevice. Errors: NotAuthorized, ResourceNotFound.
pub async fn forget(svc: &Cognate, req: ForgetDeviceRequest) -> Out<Empty> {
    let ctx = svc.authenticate(&token(req.access_token)?)?;
    svc.forget_device(&ctx, &req.device_key).await?;
    Ok(Empty {})
}

/// AdminGetDevice. Errors: UserNotFound, ResourceNotFound.
pub async fn admin_get(svc: &Cognate, ctx: &AdminCtx, req: AdminGetDeviceRequest) -> Out<AdminGetDeviceResponse> {
    let d = svc.admin_get_device(ctx, &UserPoolId::new(req.user_pool_id), &req.username, &req.device_key).await?;
    Ok(AdminGetDeviceResponse { device: device_type(&d) })
}

/// AdminListDevices. Errors: UserNotFound.
pub async fn admin_list(svc: &Cognate, ctx: &AdminCtx, req: AdminListDevicesRequest) -> Out<AdminListDevicesResponse> {
    let (devices, next) = svc
        .admin_list_devices(
            ctx,
            &UserPoolId::new(req.user_pool_id),
            &req.username,
            req.limit,
            req.pagination_token.as_deref(),
        )
        .await?;
    Ok(AdminListDevicesResponse { devices: Some(devices.iter().map(device_type).collect()), pagination_token: next })
}

/// AdminUpdateDeviceStatus. Errors: UserNotFound, ResourceNotFound.
pub async fn admin_update_status(svc: &Cognate, ctx: &AdminCtx, req: AdminUpdateDeviceStatusRequest) -> Out<Empty> {
    let pool = UserPoolId::new(req.user_pool_id);
    svc.admin_update_device_status(ctx, &pool, &req.username, &req.device_key, status(req.device_remembered_status))
        .await?;
    Ok(Empty {})
}

/// AdminForgetDevice. Errors: UserNotFound, ResourceNotFound.
pub async fn admin_forget(svc: &Cognate, ctx: &AdminCtx, req: AdminForgetDeviceRequest) -> Out<Empty> {
    svc.admin_forget_device(ctx, &UserPoolId::new(req.user_pool_id), &req.username, &req.device_key).await?;
    Ok(Empty {})
}
