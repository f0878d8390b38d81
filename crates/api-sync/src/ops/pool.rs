//! The developer's pool-wide operations: usage and the pool's sync settings.

use super::{secs, Empty, Out};
use crate::shapes::*;
use cognate_core::sync::pools::{PoolUsage, PushSync as CorePush, Streams};
use cognate_core::AdminView;
use cognate_core::CoreError;

fn usage(u: PoolUsage) -> IdentityPoolUsage {
    IdentityPoolUsage {
        data_storage: Some(u.bytes),
        identity_pool_id: Some(u.pool_id),
        last_modified_date: u.last_modified.map(secs),
        sync_sessions_count: Some(u.sync_sessions),
    }
}

/// DescribeIdentityPoolUsage.
pub async fn describe_usage(
    admin: AdminView<'_>,
    req: DescribeIdentityPoolUsageRequest,
) -> Out<DescribeIdentityPoolUsageResponse> {
    let u = admin.sync_pool_usage(&req.identity_pool_id).await?;
    Ok(DescribeIdentityPoolUsageResponse { identity_pool_usage: Some(usage(u)) })
}

/// ListIdentityPoolUsage.
pub async fn list_usage(admin: AdminView<'_>, req: ListIdentityPoolUsageRequest) -> Out<ListIdentityPoolUsageResponse> {
    let (all, next) = admin.list_sync_pool_usage(req.next_token.as_deref(), req.max_results).await?;
    Ok(ListIdentityPoolUsageResponse {
        count: Some(all.len() as i64),
        identity_pool_usages: Some(all.into_iter().map(usage).collect()),
        max_results: req.max_results,
        next_token: next,
    })
}

fn push_wire(p: Option<CorePush>) -> Option<PushSync> {
    p.map(|p| PushSync { application_arns: Some(p.application_arns), role_arn: p.role_arn })
}

fn streams_wire(s: Option<Streams>) -> Option<CognitoStreams> {
    s.map(|s| CognitoStreams {
        role_arn: s.role_arn,
        stream_name: s.stream_name,
        streaming_status: match s.status.as_deref() {
            Some("ENABLED") => Some(StreamingStatus::Enabled),
            Some("DISABLED") => Some(StreamingStatus::Disabled),
            _ => None,
        },
    })
}

/// GetIdentityPoolConfiguration.
pub async fn get_configuration(
    admin: AdminView<'_>,
    req: GetIdentityPoolConfigurationRequest,
) -> Out<GetIdentityPoolConfigurationResponse> {
    let s = admin.sync_settings(&req.identity_pool_id).await?;
    Ok(GetIdentityPoolConfigurationResponse {
        identity_pool_id: Some(req.identity_pool_id),
        push_sync: push_wire(s.push_sync),
        cognito_streams: streams_wire(s.streams),
    })
}

/// SetIdentityPoolConfiguration: what the request gives replaces what was set.
pub async fn set_configuration(
    admin: AdminView<'_>,
    req: SetIdentityPoolConfigurationRequest,
) -> Out<SetIdentityPoolConfigurationResponse> {
    let (push, streams) = (req.push_sync, req.cognito_streams);
    let s = admin
        .update_sync_settings(&req.identity_pool_id, |s| {
            if let Some(p) = push {
                s.push_sync =
                    Some(CorePush { application_arns: p.application_arns.unwrap_or_default(), role_arn: p.role_arn });
            }
            if let Some(c) = streams {
                if c.streaming_status == Some(StreamingStatus::Enabled) && c.stream_name.is_none() {
                    return Err(CoreError::InvalidParameter(
                        "StreamName is required to enable Cognito Streams.".into(),
                    ));
                }
                s.streams = Some(Streams {
                    stream_name: c.stream_name,
                    role_arn: c.role_arn,
                    status: c.streaming_status.map(|x| x.as_str().to_string()),
                });
            }
            Ok(())
        })
        .await?;
    Ok(SetIdentityPoolConfigurationResponse {
        identity_pool_id: Some(req.identity_pool_id),
        push_sync: push_wire(s.push_sync),
        cognito_streams: streams_wire(s.streams),
    })
}

/// GetCognitoEvents.
pub async fn get_events(admin: AdminView<'_>, req: GetCognitoEventsRequest) -> Out<GetCognitoEventsResponse> {
    let s = admin.sync_settings(&req.identity_pool_id).await?;
    Ok(GetCognitoEventsResponse { events: Some(s.events) })
}

/// SetCognitoEvents: the only event type is `SyncTrigger`.
pub async fn set_events(admin: AdminView<'_>, req: SetCognitoEventsRequest) -> Out<Empty> {
    let events = req.events;
    admin
        .update_sync_settings(&req.identity_pool_id, |s| {
            if let Some(k) = events.keys().find(|k| k.as_str() != "SyncTrigger") {
                return Err(CoreError::InvalidParameter(format!(
                    "Unknown event type: {k}; the one event is SyncTrigger."
                )));
            }
            s.events = events;
            Ok(())
        })
        .await?;
    Ok(Empty {})
}

/// BulkPublish: every dataset of the pool to its stream, in the background.
pub async fn bulk_publish(admin: AdminView<'_>, req: BulkPublishRequest) -> Out<BulkPublishResponse> {
    admin.bulk_publish(&req.identity_pool_id).await?;
    Ok(BulkPublishResponse { identity_pool_id: Some(req.identity_pool_id) })
}

/// GetBulkPublishDetails.
pub async fn bulk_publish_details(
    admin: AdminView<'_>,
    req: GetBulkPublishDetailsRequest,
) -> Out<GetBulkPublishDetailsResponse> {
    let b = admin.bulk_publish_details(&req.identity_pool_id).await?;
    let status = match b.as_ref().map(|b| b.status.as_str()) {
        None => BulkPublishStatus::NotStarted,
        Some("IN_PROGRESS") => BulkPublishStatus::InProgress,
        Some("SUCCEEDED") => BulkPublishStatus::Succeeded,
        Some(_) => BulkPublishStatus::Failed,
    };
    Ok(GetBulkPublishDetailsResponse {
        bulk_publish_start_time: b.as_ref().map(|b| secs(b.started_at)),
        bulk_publish_complete_time: b.as_ref().and_then(|b| b.completed_at).map(secs),
        bulk_publish_status: Some(status),
        failure_message: b.and_then(|b| b.failure),
        identity_pool_id: Some(req.identity_pool_id),
    })
}
