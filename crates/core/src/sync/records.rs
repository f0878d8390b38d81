//! Datasets and records under a [`SyncView`]: list, describe, delete, ListRecords with its
//! session token, the all-or-nothing UpdateRecords, identity usage, push devices.

use super::{SyncView, LIMITS};
use crate::{CoreError, CoreResult};
use cognate_model::now_millis;
use cognate_store::{PatchOutcome, SyncDataset, SyncDevice, SyncPatch, SyncRecord};
use serde::{Deserialize, Serialize};

const SESSION_AAD: &str = "cognito-sync-session";
/// How long a SyncSessionToken from ListRecords lets UpdateRecords write.
const SESSION_MS: i64 = 60 * 60 * 1000;

#[derive(Serialize, Deserialize)]
struct Session {
    i: String,
    d: String,
    e: i64,
}

/// One change UpdateRecords asks for.
#[derive(Debug, Clone)]
pub struct RecordInput {
    pub key: String,
    /// `None`: remove.
    pub value: Option<String>,
    pub sync_count: i64,
    pub device_modified_at: Option<i64>,
}

/// What ListRecords answers.
#[derive(Debug, Clone)]
pub struct ListRecordsOut {
    pub records: Vec<SyncRecord>,
    pub next_token: Option<String>,
    pub dataset_sync_count: i64,
    pub last_modified_by: Option<String>,
    pub merged: Vec<String>,
    pub exists: bool,
    pub deleted_after_requested: bool,
    pub session_token: String,
}

fn not_found(name: &str) -> CoreError {
    CoreError::ResourceNotFound(format!("Dataset '{name}' not found."))
}

fn page_size(max: Option<i64>) -> usize {
    match max {
        Some(n) if n >= 1 => (n as usize).min(1024),
        _ => 1024,
    }
}

impl SyncView<'_> {
    /// ListDatasets: the identity's live datasets by name.
    pub async fn list_datasets(
        &self,
        pool: &str,
        identity: &str,
        token: Option<&str>,
        max: Option<i64>,
    ) -> CoreResult<(Vec<SyncDataset>, Option<String>)> {
        self.reach(pool, identity).await?;
        let limit = match max {
            Some(n) if n >= 1 => (n as usize).min(60),
            _ => 60,
        };
        let after = crate::paging::after(token)?;
        let all = self.store.list_datasets(identity, after.as_deref(), limit + 1).await?;
        Ok(crate::paging::split(all, limit, |d| d.name.as_str()))
    }

    /// DescribeDataset. Errors: ResourceNotFound (none, or deleted).
    pub async fn describe_dataset(&self, pool: &str, identity: &str, name: &str) -> CoreResult<SyncDataset> {
        self.reach(pool, identity).await?;
        match self.store.get_dataset(identity, name).await? {
            Some(d) if !d.deleted => Ok(d),
            _ => Err(not_found(name)),
        }
    }

    /// DeleteDataset: the records go; devices learn of it from ListRecords. Errors:
    /// ResourceNotFound.
    pub async fn delete_dataset(&self, pool: &str, identity: &str, name: &str) -> CoreResult<SyncDataset> {
        self.reach(pool, identity).await?;
        let d = self
            .store
            .delete_dataset(identity, name, self.ctx.actor(), now_millis())
            .await?
            .ok_or_else(|| not_found(name))?;
        if let Some(settings) = self.pool_settings(pool).await? {
            self.after_change(&settings, &d, &[], None);
        }
        Ok(d)
    }

    /// ListRecords: the records changed after `last_sync_count` (tombstones included), a page
    /// at a time, and a session token for UpdateRecords.
    pub async fn list_records(
        &self,
        pool: &str,
        identity: &str,
        name: &str,
        last_sync_count: Option<i64>,
        token: Option<&str>,
        max: Option<i64>,
    ) -> CoreResult<ListRecordsOut> {
        self.reach(pool, identity).await?;
        let since = last_sync_count.unwrap_or(0).max(0);
        let dataset = self.store.get_dataset(identity, name).await?;
        let session = Session { i: identity.to_string(), d: name.to_string(), e: now_millis() + SESSION_MS };
        let session_token = self.master.seal_url(&serde_json::to_vec(&session).unwrap_or_default(), SESSION_AAD);
        let Some(d) = dataset.filter(|d| !d.deleted || since > 0) else {
            return Ok(ListRecordsOut {
                records: vec![],
                next_token: None,
                dataset_sync_count: 0,
                last_modified_by: None,
                merged: vec![],
                exists: false,
                deleted_after_requested: false,
                session_token,
            });
        };
        if d.deleted {
            return Ok(ListRecordsOut {
                records: vec![],
                next_token: None,
                dataset_sync_count: d.sync_count,
                last_modified_by: Some(d.last_modified_by),
                merged: vec![],
                exists: false,
                deleted_after_requested: d.sync_count > since,
                session_token,
            });
        }
        let limit = page_size(max);
        let after = match token {
            Some(t) => {
                let parts = crate::paging::decode(t, 2)?;
                let count =
                    parts[0].parse::<i64>().map_err(|_| CoreError::InvalidParameter("Invalid NextToken.".into()))?;
                Some((count, parts[1].clone()))
            }
            None => None,
        };
        let mut records = self
            .store
            .list_records(identity, name, since, after.as_ref().map(|(c, k)| (*c, k.as_str())), limit + 1)
            .await?;
        let next_token = if records.len() > limit {
            records.truncate(limit);
            records.last().map(|r| crate::paging::encode(&[&r.sync_count.to_string(), &r.key]))
        } else {
            None
        };
        Ok(ListRecordsOut {
            records,
            next_token,
            dataset_sync_count: d.sync_count,
            last_modified_by: Some(d.last_modified_by),
            merged: d.merged,
            exists: true,
            deleted_after_requested: false,
            session_token,
        })
    }

    /// UpdateRecords: every patch or none. Errors: InvalidParameter (no or a foreign session
    /// token), NotAuthorized, ResourceConflict (a record changed since the device saw it),
    /// LimitExceeded.
    pub async fn update_records(
        &self,
        pool: &str,
        identity: &str,
        name: &str,
        session_token: &str,
        patches: Vec<RecordInput>,
        device_id: Option<&str>,
    ) -> CoreResult<Vec<SyncRecord>> {
        self.reach(pool, identity).await?;
        let bad = || CoreError::InvalidParameter("Invalid or expired SyncSessionToken; call ListRecords first.".into());
        let raw = self.master.open_url(session_token, SESSION_AAD).map_err(|_| bad())?;
        let s: Session = serde_json::from_slice(&raw).map_err(|_| bad())?;
        if s.i != identity || s.d != name || s.e < now_millis() {
            return Err(bad());
        }
        let patches: Vec<SyncPatch> = patches
            .into_iter()
            .map(|p| SyncPatch {
                key: p.key,
                value: p.value,
                sync_count: p.sync_count,
                device_modified_at: p.device_modified_at,
            })
            .collect();
        let settings = self.pool_settings(pool).await?.unwrap_or_default();
        let patches = match settings.events.get("SyncTrigger").filter(|f| !f.is_empty()) {
            Some(function) => self.sync_trigger(function, (pool, identity, name), patches).await?,
            None => patches,
        };
        let at = cognate_store::DatasetRef { pool, identity, name };
        let outcome = self.store.apply_patches(at, &patches, self.ctx.actor(), now_millis(), LIMITS).await.map_err(
            |e| match e {
                cognate_store::StoreError::NotFound => {
                    CoreError::ResourceNotFound(format!("Identity '{identity}' not found."))
                }
                e => e.into(),
            },
        )?;
        match outcome {
            PatchOutcome::Applied(records, dataset) => {
                self.after_change(&settings, &dataset, &records, device_id);
                Ok(records)
            }
            PatchOutcome::Conflict(key) => Err(CoreError::ResourceConflict(format!(
                "Current SyncCount for: {key} does not match the SyncCount in the request."
            ))),
            PatchOutcome::Limit(m) => Err(CoreError::LimitExceeded(m)),
        }
    }

    /// DescribeIdentityUsage: (live datasets, bytes, last change).
    pub async fn identity_usage(&self, pool: &str, identity: &str) -> CoreResult<(i64, i64, i64)> {
        self.reach(pool, identity).await?;
        let mut after: Option<String> = None;
        let (mut count, mut bytes, mut last) = (0i64, 0i64, 0i64);
        loop {
            let page = self.store.list_datasets(identity, after.as_deref(), 100).await?;
            for d in &page {
                count += 1;
                bytes += d.bytes;
                last = last.max(d.updated_at);
            }
            match page.last() {
                Some(d) if page.len() == 100 => after = Some(d.name.clone()),
                _ => break,
            }
        }
        Ok((count, bytes, last))
    }

    /// RegisterDevice: the device id for this identity, platform and token (the same one again
    /// for the same token).
    pub async fn register_device(&self, pool: &str, identity: &str, platform: &str, token: &str) -> CoreResult<String> {
        self.reach(pool, identity).await?;
        let d = SyncDevice {
            device_id: uuid::Uuid::new_v4().to_string(),
            pool_id: pool.to_string(),
            identity_id: identity.to_string(),
            platform: platform.to_string(),
            token: token.to_string(),
            created_at: now_millis(),
        };
        Ok(self.store.put_sync_device(&d).await?.device_id)
    }

    /// SubscribeToDataset / UnsubscribeFromDataset. Errors: ResourceNotFound (device not
    /// registered for this identity).
    pub async fn subscribe(&self, pool: &str, identity: &str, dataset: &str, device: &str, on: bool) -> CoreResult<()> {
        self.reach(pool, identity).await?;
        match self.store.get_sync_device(device).await? {
            Some(d) if d.identity_id == identity => {}
            _ => return Err(CoreError::ResourceNotFound(format!("Device '{device}' not found."))),
        }
        self.store.set_subscription(identity, dataset, device, on).await?;
        Ok(())
    }
}
