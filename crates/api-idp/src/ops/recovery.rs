//! Point-in-time recovery (SigV4 admin): a preview of restoring a pool's users to a moment,
//! then the restore, from the change log of user writes.

use super::Out;
use crate::shapes::*;
use cognate_core::recovery::{Restoration, RestoreStatus};
use cognate_core::AdminView;
use cognate_model::UserPoolId;

fn status(s: RestoreStatus) -> RestoreStatusType {
    match s {
        RestoreStatus::PreviewGenerated => RestoreStatusType::PreviewGenerated,
        RestoreStatus::PreviewCancelled => RestoreStatusType::PreviewCancelled,
        RestoreStatus::PreviewExpired => RestoreStatusType::PreviewExpired,
        RestoreStatus::Restoring => RestoreStatusType::Restoring,
        RestoreStatus::RestoreCompleted => RestoreStatusType::RestoreCompleted,
        RestoreStatus::Failed => RestoreStatusType::TemporaryInternalErrorSeeSupportCase,
    }
}

fn seconds(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

fn wire(r: Restoration) -> RestorationType {
    let now = cognate_model::now_millis();
    RestorationType {
        restore_status: Some(status(r.status_now(now))),
        restore_id: Some(r.restore_id),
        restore_timestamp: Some(seconds(r.restore_timestamp)),
        trigger_timestamp: Some(seconds(r.trigger_timestamp)),
        restore_preview: Some(
            r.preview
                .into_iter()
                .map(|p| RestorePreviewType {
                    entity: Some(p.entity),
                    create_count: Some(p.create),
                    update_count: Some(p.update),
                    delete_count: Some(p.delete),
                })
                .collect(),
        ),
    }
}

/// InitiatePointInTimeRecovery. Errors: ResourceNotFound, InvalidParameter, ConcurrentModification.
pub async fn initiate(
    admin: AdminView<'_>,
    req: InitiatePointInTimeRecoveryRequest,
) -> Out<InitiatePointInTimeRecoveryResponse> {
    let at = (req.restore_timestamp * 1000.0) as i64;
    let r = admin.initiate_recovery(&UserPoolId::new(&req.user_pool_id), at).await?;
    Ok(InitiatePointInTimeRecoveryResponse { restoration: Some(wire(r)) })
}

/// StartPointInTimeRecovery. Errors: ResourceNotFound, InvalidParameter, ConcurrentModification.
pub async fn start(
    admin: AdminView<'_>,
    req: StartPointInTimeRecoveryRequest,
) -> Out<StartPointInTimeRecoveryResponse> {
    let r = admin.start_recovery(&UserPoolId::new(&req.user_pool_id), &req.restore_id).await?;
    Ok(StartPointInTimeRecoveryResponse { restoration: Some(wire(r)) })
}

/// CancelPointInTimeRecovery. Errors: ResourceNotFound, InvalidParameter, ConcurrentModification.
pub async fn cancel(
    admin: AdminView<'_>,
    req: CancelPointInTimeRecoveryRequest,
) -> Out<CancelPointInTimeRecoveryResponse> {
    let r = admin.cancel_recovery(&UserPoolId::new(&req.user_pool_id), &req.restore_id).await?;
    Ok(CancelPointInTimeRecoveryResponse { restoration: Some(wire(r)) })
}

/// DescribePointInTimeRecovery. Errors: ResourceNotFound.
pub async fn describe(
    admin: AdminView<'_>,
    req: DescribePointInTimeRecoveryRequest,
) -> Out<DescribePointInTimeRecoveryResponse> {
    let r = admin.describe_recovery(&UserPoolId::new(&req.user_pool_id), &req.restore_id).await?;
    Ok(DescribePointInTimeRecoveryResponse { restoration: Some(wire(r)) })
}

/// ListPointInTimeRecoveries. Errors: ResourceNotFound.
pub async fn list(
    admin: AdminView<'_>,
    req: ListPointInTimeRecoveriesRequest,
) -> Out<ListPointInTimeRecoveriesResponse> {
    let limit = cognate_core::paging::limit(req.max_results);
    let (all, next) =
        admin.list_recoveries(&UserPoolId::new(&req.user_pool_id), limit, req.next_token.as_deref()).await?;
    Ok(ListPointInTimeRecoveriesResponse {
        restorations: Some(
            all.into_iter()
                .map(|r| RestorationDescriptionType {
                    restore_status: Some(status(r.status_now(cognate_model::now_millis()))),
                    restore_id: Some(r.restore_id),
                    restore_timestamp: Some(seconds(r.restore_timestamp)),
                })
                .collect(),
        ),
        next_token: next,
    })
}
