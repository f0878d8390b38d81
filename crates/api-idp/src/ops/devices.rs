//! Remembered devices: ConfirmDevice, GetDevice, ListDevices, UpdateDeviceStatus, ForgetDevice
//! (access token) and their Admin* twins (SigV4).

use super::{Empty, Out};
use crate::convert::secs;
use crate::shapes::*;
use cognate_core::{AdminView, UserView};
use cognate_model::{Device, DeviceStatus, UserPoolId};

fn device_type(d: &Device) -> DeviceType {
    let mut attrs = vec![AttributeType { name: "device_status".into(), value: Some(d.status.as_str().into()) }];
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

fn status(s: Option<DeviceRememberedStatusType>) -> DeviceStatus {
    match s {
        Some(DeviceRememberedStatusType::Remembered) => DeviceStatus::Remembered,
        _ => DeviceStatus::NotRemembered,
    }
}

/// ConfirmDevice. Errors: NotAuthorized, ResourceNotFound ("Device does not exist."), InvalidParameter.
pub async fn confirm(me: UserView<'_>, req: ConfirmDeviceRequest) -> Out<ConfirmDeviceResponse> {
    let cfg = req.device_secret_verifier_config.unwrap_or_default();
    let prompt = me
        .confirm_device(
            &req.device_key,
            req.device_name,
            cfg.password_verifier.as_deref().unwrap_or(""),
            cfg.salt.as_deref().unwrap_or(""),
        )
        .await?;
    Ok(ConfirmDeviceResponse { user_confirmation_necessary: Some(prompt) })
}

/// GetDevice. Errors: NotAuthorized, ResourceNotFound.
pub async fn get(me: UserView<'_>, req: GetDeviceRequest) -> Out<GetDeviceResponse> {
    Ok(GetDeviceResponse { device: device_type(&me.get_device(&req.device_key).await?) })
}

/// ListDevices. Errors: NotAuthorized, InvalidParameter (token).
pub async fn list(me: UserView<'_>, req: ListDevicesRequest) -> Out<ListDevicesResponse> {
    let (devices, next) = me.list_devices(req.limit, req.pagination_token.as_deref()).await?;
    Ok(ListDevicesResponse { devices: Some(devices.iter().map(device_type).collect()), pagination_token: next })
}

/// UpdateDeviceStatus. Errors: NotAuthorized, ResourceNotFound.
pub async fn update_status(me: UserView<'_>, req: UpdateDeviceStatusRequest) -> Out<Empty> {
    me.update_device_status(&req.device_key, status(req.device_remembered_status)).await?;
    Ok(Empty {})
}

/// ForgetDevice. Errors: NotAuthorized, ResourceNotFound.
pub async fn forget(me: UserView<'_>, req: ForgetDeviceRequest) -> Out<Empty> {
    me.forget_device(&req.device_key).await?;
    Ok(Empty {})
}

/// AdminGetDevice. Errors: UserNotFound, ResourceNotFound.
pub async fn admin_get(admin: AdminView<'_>, req: AdminGetDeviceRequest) -> Out<AdminGetDeviceResponse> {
    let d = admin.get_device(&UserPoolId::new(req.user_pool_id), &req.username, &req.device_key).await?;
    Ok(AdminGetDeviceResponse { device: device_type(&d) })
}

/// AdminListDevices. Errors: UserNotFound.
pub async fn admin_list(admin: AdminView<'_>, req: AdminListDevicesRequest) -> Out<AdminListDevicesResponse> {
    let (devices, next) = admin
        .list_devices(&UserPoolId::new(req.user_pool_id), &req.username, req.limit, req.pagination_token.as_deref())
        .await?;
    Ok(AdminListDevicesResponse { devices: Some(devices.iter().map(device_type).collect()), pagination_token: next })
}

/// AdminUpdateDeviceStatus. Errors: UserNotFound, ResourceNotFound.
pub async fn admin_update_status(admin: AdminView<'_>, req: AdminUpdateDeviceStatusRequest) -> Out<Empty> {
    let pool = UserPoolId::new(req.user_pool_id);
    admin.update_device_status(&pool, &req.username, &req.device_key, status(req.device_remembered_status)).await?;
    Ok(Empty {})
}

/// AdminForgetDevice. Errors: UserNotFound, ResourceNotFound.
pub async fn admin_forget(admin: AdminView<'_>, req: AdminForgetDeviceRequest) -> Out<Empty> {
    admin.forget_device(&UserPoolId::new(req.user_pool_id), &req.username, &req.device_key).await?;
    Ok(Empty {})
}
