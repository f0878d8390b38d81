//! Datasets and records (an identity's own, or any for the developer).

use super::{secs, Out};
use crate::shapes::*;
use cognate_core::sync::{RecordInput, SyncView};
use cognate_store::{SyncDataset, SyncRecord};

fn dataset(d: SyncDataset) -> Dataset {
    Dataset {
        creation_date: Some(secs(d.created_at)),
        data_storage: Some(d.bytes),
        dataset_name: Some(d.name),
        identity_id: Some(d.identity_id),
        last_modified_by: Some(d.last_modified_by),
        last_modified_date: Some(secs(d.updated_at)),
        num_records: Some(d.records),
    }
}

fn record(r: SyncRecord) -> Record {
    Record {
        device_last_modified_date: r.device_modified_at.map(secs),
        key: Some(r.key),
        last_modified_by: Some(r.modified_by),
        last_modified_date: Some(secs(r.modified_at)),
        sync_count: Some(r.sync_count),
        value: r.value,
    }
}

/// ListDatasets.
pub async fn list(v: SyncView<'_>, req: ListDatasetsRequest) -> Out<ListDatasetsResponse> {
    let (all, next) =
        v.list_datasets(&req.identity_pool_id, &req.identity_id, req.next_token.as_deref(), req.max_results).await?;
    Ok(ListDatasetsResponse {
        count: Some(all.len() as i64),
        datasets: Some(all.into_iter().map(dataset).collect()),
        next_token: next,
    })
}

/// DescribeDataset.
pub async fn describe(v: SyncView<'_>, req: DescribeDatasetRequest) -> Out<DescribeDatasetResponse> {
    let d = v.describe_dataset(&req.identity_pool_id, &req.identity_id, &req.dataset_name).await?;
    Ok(DescribeDatasetResponse { dataset: Some(dataset(d)) })
}

/// DeleteDataset.
pub async fn delete(v: SyncView<'_>, req: DeleteDatasetRequest) -> Out<DeleteDatasetResponse> {
    let d = v.delete_dataset(&req.identity_pool_id, &req.identity_id, &req.dataset_name).await?;
    Ok(DeleteDatasetResponse { dataset: Some(dataset(d)) })
}

/// ListRecords.
pub async fn list_records(v: SyncView<'_>, req: ListRecordsRequest) -> Out<ListRecordsResponse> {
    let out = v
        .list_records(
            &req.identity_pool_id,
            &req.identity_id,
            &req.dataset_name,
            req.last_sync_count,
            req.next_token.as_deref(),
            req.max_results,
        )
        .await?;
    Ok(ListRecordsResponse {
        count: Some(out.records.len() as i64),
        records: Some(out.records.into_iter().map(record).collect()),
        next_token: out.next_token,
        dataset_sync_count: Some(out.dataset_sync_count),
        last_modified_by: out.last_modified_by,
        merged_dataset_names: (!out.merged.is_empty()).then_some(out.merged),
        dataset_exists: Some(out.exists),
        dataset_deleted_after_requested_sync_count: Some(out.deleted_after_requested),
        sync_session_token: Some(out.session_token),
    })
}

/// UpdateRecords.
pub async fn update_records(v: SyncView<'_>, req: UpdateRecordsRequest) -> Out<UpdateRecordsResponse> {
    let patches = req
        .record_patches
        .unwrap_or_default()
        .into_iter()
        .map(|p| RecordInput {
            value: match p.op {
                Operation::Replace => Some(p.value.unwrap_or_default()),
                Operation::Remove => None,
            },
            key: p.key,
            sync_count: p.sync_count,
            device_modified_at: p.device_last_modified_date.map(|s| (s * 1000.0) as i64),
        })
        .collect();
    let records = v
        .update_records(
            &req.identity_pool_id,
            &req.identity_id,
            &req.dataset_name,
            &req.sync_session_token,
            patches,
            req.device_id.as_deref(),
        )
        .await?;
    Ok(UpdateRecordsResponse { records: Some(records.into_iter().map(record).collect()) })
}

/// DescribeIdentityUsage.
pub async fn identity_usage(v: SyncView<'_>, req: DescribeIdentityUsageRequest) -> Out<DescribeIdentityUsageResponse> {
    let (count, bytes, last) = v.identity_usage(&req.identity_pool_id, &req.identity_id).await?;
    Ok(DescribeIdentityUsageResponse {
        identity_usage: Some(IdentityUsage {
            data_storage: Some(bytes),
            dataset_count: Some(count),
            identity_id: Some(req.identity_id),
            identity_pool_id: Some(req.identity_pool_id),
            last_modified_date: (last > 0).then(|| secs(last)),
        }),
    })
}
