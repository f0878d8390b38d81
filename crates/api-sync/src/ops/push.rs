//! Push sync: devices and their dataset subscriptions.

use super::Out;
use crate::shapes::*;
use cognate_core::sync::SyncView;

/// RegisterDevice.
pub async fn register(v: SyncView<'_>, req: RegisterDeviceRequest) -> Out<RegisterDeviceResponse> {
    let id = v.register_device(&req.identity_pool_id, &req.identity_id, req.platform.as_str(), &req.token).await?;
    Ok(RegisterDeviceResponse { device_id: Some(id) })
}

/// SubscribeToDataset.
pub async fn subscribe(v: SyncView<'_>, req: SubscribeToDatasetRequest) -> Out<SubscribeToDatasetResponse> {
    v.subscribe(&req.identity_pool_id, &req.identity_id, &req.dataset_name, &req.device_id, true).await?;
    Ok(SubscribeToDatasetResponse {})
}

/// UnsubscribeFromDataset.
pub async fn unsubscribe(v: SyncView<'_>, req: UnsubscribeFromDatasetRequest) -> Out<UnsubscribeFromDatasetResponse> {
    v.subscribe(&req.identity_pool_id, &req.identity_id, &req.dataset_name, &req.device_id, false).await?;
    Ok(UnsubscribeFromDatasetResponse {})
}
