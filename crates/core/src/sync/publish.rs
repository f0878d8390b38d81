//! Cognito Streams, BulkPublish and push sync, self-hosted. Where Cognito writes to a Kinesis
//! stream and notifies devices through SNS, Cognate hands the same records to a [`SyncSink`]
//! (the server's writes each stream's records as JSON lines to a file, or POSTs them to an HTTP
//! endpoint, and posts push notifications to a webhook).
//!
//! A stream record is the documented one: `identityPoolId`, `identityId`, `dataSetName`,
//! `operation` (`replace`, or `remove` for a deleted dataset), `kinesisSyncRecords` (each
//! `key`, `value`, `syncCount`, `lastModifiedDate`, `deviceLastModifiedDate`, `op`),
//! `lastModifiedDate`, `payloadType` (`Inline`) and `syncCount`. Publication happens after the
//! change is committed and does not hold up the answer; a record lost to a crash in between is
//! published again by the next BulkPublish.

use super::pools::{BulkPublish, SyncSettings};
use super::SyncView;
use crate::views::AdminView;
use crate::{Cognate, CoreError, CoreResult};
use async_trait::async_trait;
use cognate_model::now_millis;
use cognate_store::{SyncDataset, SyncRecord};
use serde_json::{json, Value};

/// Where stream records and push notifications go.
#[async_trait]
pub trait SyncSink: Send + Sync {
    /// Appends one record to `stream`.
    async fn publish(&self, stream: &str, record: &Value) -> Result<(), String>;
    /// Delivers one push notification to a device.
    async fn push(&self, notification: &Value) -> Result<(), String>;
}

/// No sink (unit tests): every publication fails.
pub struct NoSink;

#[async_trait]
impl SyncSink for NoSink {
    async fn publish(&self, stream: &str, _: &Value) -> Result<(), String> {
        Err(format!("no stream sink for {stream}"))
    }
    async fn push(&self, _: &Value) -> Result<(), String> {
        Err("no push webhook".into())
    }
}

/// A stream record of a dataset's records (`remove`: the dataset was deleted).
pub(crate) fn stream_record(d: &SyncDataset, records: &[SyncRecord]) -> Value {
    let items: Vec<Value> = records
        .iter()
        .map(|r| {
            json!({
                "key": r.key,
                "value": r.value,
                "syncCount": r.sync_count,
                "lastModifiedDate": r.modified_at,
                "deviceLastModifiedDate": r.device_modified_at.unwrap_or(r.modified_at),
                "op": if r.value.is_some() { "replace" } else { "remove" },
            })
        })
        .collect();
    json!({
        "identityPoolId": d.pool_id,
        "identityId": d.identity_id,
        "dataSetName": d.name,
        "operation": if d.deleted { "remove" } else { "replace" },
        "kinesisSyncRecords": items,
        "lastModifiedDate": d.updated_at,
        "kinesisSyncRecordsURL": null,
        "payloadType": "Inline",
        "syncCount": d.sync_count,
    })
}

/// The stream a pool publishes to, when Cognito Streams is on.
fn stream_of(settings: &SyncSettings) -> Option<String> {
    let s = settings.streams.as_ref()?;
    (s.status.as_deref() == Some("ENABLED")).then(|| s.stream_name.clone()).flatten()
}

impl SyncView<'_> {
    /// After a committed change of a dataset: its stream record, and a push notification to
    /// each subscribed device but the one that made it. In the background.
    pub(crate) fn after_change(
        &self,
        settings: &SyncSettings,
        dataset: &SyncDataset,
        records: &[SyncRecord],
        from_device: Option<&str>,
    ) {
        let stream = stream_of(settings);
        let push = settings.push_sync.as_ref().is_some_and(|p| !p.application_arns.is_empty());
        if stream.is_none() && !push {
            return;
        }
        let (svc, dataset, records) = (self.svc.clone(), dataset.clone(), records.to_vec());
        let from_device = from_device.map(String::from);
        tokio::spawn(async move {
            if let Some(stream) = stream {
                svc.publish(&stream, &stream_record(&dataset, &records)).await;
            }
            if push {
                svc.push_to_subscribers(&dataset, from_device.as_deref()).await;
            }
        });
    }
}

impl Cognate {
    async fn publish(&self, stream: &str, record: &Value) {
        if let Err(e) = self.sync_sink.publish(stream, record).await {
            tracing::warn!(target: "cognate::sync", stream, error = %e, "stream record not published");
        }
    }

    async fn push_to_subscribers(&self, d: &SyncDataset, from_device: Option<&str>) {
        let devices = match self.store.subscribers(&d.identity_id, &d.name).await {
            Ok(devices) => devices,
            Err(e) => return tracing::warn!(target: "cognate::sync", error = %e, "subscribers not read"),
        };
        for device in devices.iter().filter(|x| Some(x.device_id.as_str()) != from_device) {
            // The data of Cognito's silent push: the dataset and its new sync count.
            let n = json!({
                "platform": device.platform,
                "token": device.token,
                "deviceId": device.device_id,
                "data": {
                    "source": "cognito-sync",
                    "type": "push-sync",
                    "identityPoolId": d.pool_id,
                    "identityId": d.identity_id,
                    "datasetName": d.name,
                    "syncCount": d.sync_count,
                },
            });
            if let Err(e) = self.sync_sink.push(&n).await {
                tracing::warn!(target: "cognate::sync", device = %device.device_id, error = %e, "push not delivered");
            }
        }
    }

    /// Publishes every dataset of every identity of `pool` (BulkPublish's work), then records
    /// the outcome in the pool's settings.
    async fn bulk_publish_all(&self, pool: &str, stream: &str) -> Result<u64, String> {
        let mut published = 0u64;
        let mut after: Option<String> = None;
        loop {
            let identities =
                self.store.list_identities(pool, after.as_deref(), 500).await.map_err(|e| e.to_string())?;
            for i in &identities {
                let mut after_ds: Option<String> = None;
                loop {
                    let page =
                        self.store.list_datasets(&i.id, after_ds.as_deref(), 100).await.map_err(|e| e.to_string())?;
                    for d in page.iter().filter(|d| !d.deleted) {
                        let records = self
                            .store
                            .list_records(&d.identity_id, &d.name, 0, None, super::LIMITS.records_per_dataset as usize)
                            .await
                            .map_err(|e| e.to_string())?;
                        let live: Vec<SyncRecord> = records.into_iter().filter(|r| r.value.is_some()).collect();
                        self.sync_sink.publish(stream, &stream_record(d, &live)).await?;
                        published += 1;
                    }
                    match page.last() {
                        Some(d) if page.len() == 100 => after_ds = Some(d.name.clone()),
                        _ => break,
                    }
                }
            }
            match identities.last() {
                Some(i) if identities.len() == 500 => after = Some(i.id.clone()),
                _ => break,
            }
        }
        Ok(published)
    }
}

/// One successful bulk publish a day, as Cognito allows.
const BULK_EVERY_MS: i64 = 24 * 3_600_000;

impl AdminView<'_> {
    /// BulkPublish: publishes every dataset of the pool to its stream, in the background.
    /// Errors: ResourceNotFound, InvalidParameter (Cognito Streams is off), DuplicateRequest
    /// (one is running), AlreadyStreamed (one succeeded in the last 24 hours).
    pub async fn bulk_publish(&self, pool: &str) -> CoreResult<()> {
        let now = now_millis();
        let mut stream = String::new();
        self.update_sync_settings(pool, |settings| {
            stream = stream_of(settings).ok_or_else(|| {
                CoreError::InvalidParameter("Cognito Streams is not enabled for this identity pool.".into())
            })?;
            match &settings.bulk_publish {
                Some(b) if b.status == "IN_PROGRESS" && now - b.started_at < BULK_EVERY_MS => {
                    return Err(CoreError::DuplicateRequest("A bulk publish is already in progress.".into()))
                }
                Some(b) if b.status == "SUCCEEDED" && now - b.started_at < BULK_EVERY_MS => {
                    return Err(CoreError::AlreadyStreamed(
                        "A bulk publish succeeded for this identity pool in the last 24 hours.".into(),
                    ))
                }
                _ => {}
            }
            settings.bulk_publish =
                Some(BulkPublish { status: "IN_PROGRESS".into(), started_at: now, completed_at: None, failure: None });
            Ok(())
        })
        .await?;
        let (svc, pool) = (self.svc.clone(), pool.to_string());
        tokio::spawn(async move {
            let outcome = svc.bulk_publish_all(&pool, &stream).await;
            let done = match &outcome {
                Ok(n) => {
                    tracing::info!(target: "cognate::sync", %pool, datasets = n, "bulk publish done");
                    ("SUCCEEDED", None)
                }
                Err(e) => {
                    tracing::warn!(target: "cognate::sync", %pool, error = %e, "bulk publish failed");
                    ("FAILED", Some(e.clone()))
                }
            };
            if let Err(e) = svc.finish_bulk_publish(&pool, done.0, done.1).await {
                tracing::error!(target: "cognate::sync", %pool, error = %e, "bulk publish outcome not recorded");
            }
        });
        Ok(())
    }

    /// GetBulkPublishDetails.
    pub async fn bulk_publish_details(&self, pool: &str) -> CoreResult<Option<BulkPublish>> {
        Ok(self.sync_settings(pool).await?.bulk_publish)
    }
}

impl Cognate {
    async fn finish_bulk_publish(&self, pool: &str, status: &str, failure: Option<String>) -> CoreResult<()> {
        let mut settings = self.read_sync_settings(pool).await?.unwrap_or_default();
        if let Some(b) = settings.bulk_publish.as_mut() {
            b.status = status.to_string();
            b.completed_at = Some(now_millis());
            b.failure = failure;
        }
        let doc = serde_json::to_string(&settings).map_err(|e| CoreError::Internal(e.to_string()))?;
        Ok(self.store.put_sync_config(pool, &doc).await?)
    }
}
