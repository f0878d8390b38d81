//! The one exhaustive `match` over every cognito-sync operation.

use crate::ops::{self, dataset, pool, push};
use crate::{ApiError, Authorized, Operation};
use cognate_core::sync::SyncCtx;
use cognate_core::{AdminCtx, Cognate, RequestContext};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

fn admin(auth: &Authorized) -> Result<&AdminCtx, ApiError> {
    match auth {
        Authorized::Admin(ctx) => Ok(ctx),
        Authorized::Sync(_) => Err(ApiError::MissingAuthority),
    }
}

fn sync(auth: &Authorized) -> Result<&SyncCtx, ApiError> {
    match auth {
        Authorized::Sync(ctx) => Ok(ctx),
        Authorized::Admin(_) => Err(ApiError::MissingAuthority),
    }
}

fn input<T: DeserializeOwned>(map: Map<String, Value>) -> Result<T, ApiError> {
    cognate_api::json_target::input(map).map_err(ops::ser)
}

fn output<T: Serialize>(out: T) -> Result<Value, ApiError> {
    cognate_api::json_target::output(out).map_err(|e| ApiError::Core(cognate_core::CoreError::Internal(e.to_string())))
}

/// A developer handler: the admin view, which only an admin context opens.
macro_rules! admin_op {
    ($svc:expr, $auth:expr, $rc:expr, $map:expr, $handler:path) => {{
        let ctx = admin($auth)?;
        output($handler($svc.admin(ctx, $rc), input($map)?).await?)
    }};
}

/// A dataset handler: the sync view of the caller's authority.
macro_rules! sync_op {
    ($svc:expr, $auth:expr, $rc:expr, $map:expr, $handler:path) => {{
        let ctx = sync($auth)?;
        output($handler($svc.datasets(ctx, $rc), input($map)?).await?)
    }};
}

/// Runs one operation.
pub async fn dispatch(
    svc: &Cognate,
    op: Operation,
    auth: &Authorized,
    rc: &RequestContext,
    map: Map<String, Value>,
) -> Result<Value, ApiError> {
    use Operation::*;
    match op {
        ListDatasets => sync_op!(svc, auth, rc, map, dataset::list),
        DescribeDataset => sync_op!(svc, auth, rc, map, dataset::describe),
        DeleteDataset => sync_op!(svc, auth, rc, map, dataset::delete),
        ListRecords => sync_op!(svc, auth, rc, map, dataset::list_records),
        UpdateRecords => sync_op!(svc, auth, rc, map, dataset::update_records),
        DescribeIdentityUsage => sync_op!(svc, auth, rc, map, dataset::identity_usage),
        RegisterDevice => sync_op!(svc, auth, rc, map, push::register),
        SubscribeToDataset => sync_op!(svc, auth, rc, map, push::subscribe),
        UnsubscribeFromDataset => sync_op!(svc, auth, rc, map, push::unsubscribe),
        DescribeIdentityPoolUsage => admin_op!(svc, auth, rc, map, pool::describe_usage),
        ListIdentityPoolUsage => admin_op!(svc, auth, rc, map, pool::list_usage),
        GetIdentityPoolConfiguration => admin_op!(svc, auth, rc, map, pool::get_configuration),
        SetIdentityPoolConfiguration => admin_op!(svc, auth, rc, map, pool::set_configuration),
        GetCognitoEvents => admin_op!(svc, auth, rc, map, pool::get_events),
        SetCognitoEvents => admin_op!(svc, auth, rc, map, pool::set_events),
        BulkPublish => admin_op!(svc, auth, rc, map, pool::bulk_publish),
        GetBulkPublishDetails => admin_op!(svc, auth, rc, map, pool::bulk_publish_details),
    }
}
