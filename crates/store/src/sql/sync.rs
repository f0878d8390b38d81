//! Cognito Sync (`SyncStore`): datasets with their sync counts, records with tombstones, the
//! all-or-nothing UpdateRecords, pool settings, push devices and subscriptions.

use super::DbStore;
use crate::{
    DatasetRef, PatchOutcome, StoreError, StoreResult, SyncDataset, SyncDevice, SyncLimits, SyncPatch, SyncRecord,
    SyncStore,
};
use async_trait::async_trait;
use sqlx::Row;

const DATASET_COLUMNS: &str =
    "identity_id, name, pool_id, created_at, updated_at, last_modified_by, sync_count, records, bytes, deleted, merged";
const RECORD_COLUMNS: &str = "key, value, sync_count, modified_at, modified_by, device_modified_at";
const DEVICE_COLUMNS: &str = "device_id, pool_id, identity_id, platform, token, created_at";

fn dataset_from(r: &super::DbRow) -> StoreResult<SyncDataset> {
    Ok(SyncDataset {
        identity_id: r.try_get("identity_id")?,
        name: r.try_get("name")?,
        pool_id: r.try_get("pool_id")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        last_modified_by: r.try_get("last_modified_by")?,
        sync_count: r.try_get("sync_count")?,
        records: r.try_get("records")?,
        bytes: r.try_get("bytes")?,
        deleted: r.try_get::<i64, _>("deleted")? != 0,
        merged: serde_json::from_str(&r.try_get::<String, _>("merged")?)?,
    })
}

fn record_from(r: &super::DbRow) -> StoreResult<SyncRecord> {
    Ok(SyncRecord {
        key: r.try_get("key")?,
        value: r.try_get("value")?,
        sync_count: r.try_get("sync_count")?,
        modified_at: r.try_get("modified_at")?,
        modified_by: r.try_get("modified_by")?,
        device_modified_at: r.try_get("device_modified_at")?,
    })
}

fn device_from(r: &super::DbRow) -> StoreResult<SyncDevice> {
    Ok(SyncDevice {
        device_id: r.try_get("device_id")?,
        pool_id: r.try_get("pool_id")?,
        identity_id: r.try_get("identity_id")?,
        platform: r.try_get("platform")?,
        token: r.try_get("token")?,
        created_at: r.try_get("created_at")?,
    })
}

fn size(key: &str, value: Option<&str>) -> i64 {
    value.map(|v| (key.len() + v.len()) as i64).unwrap_or(0)
}

#[async_trait]
impl SyncStore for DbStore {
    async fn get_dataset(&self, identity: &str, name: &str) -> StoreResult<Option<SyncDataset>> {
        sqlx::query(&format!("SELECT {DATASET_COLUMNS} FROM sync_datasets WHERE identity_id = $1 AND name = $2"))
            .bind(identity)
            .bind(name)
            .fetch_optional(&self.reader)
            .await?
            .map(|r| dataset_from(&r))
            .transpose()
    }

    async fn list_datasets(&self, identity: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<SyncDataset>> {
        let rows = sqlx::query(&format!(
            "SELECT {DATASET_COLUMNS} FROM sync_datasets WHERE identity_id = $1 AND deleted = 0 AND name > $2 \
             ORDER BY name LIMIT $3"
        ))
        .bind(identity)
        .bind(after.unwrap_or(""))
        .bind(limit as i64)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(dataset_from).collect()
    }

    async fn list_records(
        &self,
        identity: &str,
        name: &str,
        after_count: i64,
        after: Option<(i64, &str)>,
        limit: usize,
    ) -> StoreResult<Vec<SyncRecord>> {
        let (count, key) = after.unwrap_or((after_count, "\u{10ffff}"));
        let (count, key) = if count < after_count { (after_count, "\u{10ffff}") } else { (count, key) };
        let rows = sqlx::query(&format!(
            "SELECT {RECORD_COLUMNS} FROM sync_records WHERE identity_id = $1 AND dataset = $2 \
             AND (sync_count, key) > ($3, $4) ORDER BY sync_count, key LIMIT $5"
        ))
        .bind(identity)
        .bind(name)
        .bind(count)
        .bind(key)
        .bind(limit as i64)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(record_from).collect()
    }

    async fn apply_patches(
        &self,
        at: DatasetRef<'_>,
        patches: &[SyncPatch],
        by: &str,
        now: i64,
        limits: SyncLimits,
    ) -> StoreResult<PatchOutcome> {
        self.commit_sync_patches(at, patches, by, now, limits).await
    }

    async fn delete_dataset(&self, identity: &str, name: &str, by: &str, now: i64) -> StoreResult<Option<SyncDataset>> {
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            let r = sqlx::query(
                "UPDATE sync_datasets SET deleted = 1, sync_count = sync_count + 1, records = 0, bytes = 0, \
                 updated_at = $1, last_modified_by = $2 WHERE identity_id = $3 AND name = $4 AND deleted = 0",
            )
            .bind(now)
            .bind(by)
            .bind(identity)
            .bind(name)
            .execute(&mut *tx)
            .await?;
            if r.rows_affected() == 0 {
                return Ok(None);
            }
            sqlx::query("DELETE FROM sync_records WHERE identity_id = $1 AND dataset = $2")
                .bind(identity)
                .bind(name)
                .execute(&mut *tx)
                .await?;
            let d = sqlx::query(&format!(
                "SELECT {DATASET_COLUMNS} FROM sync_datasets WHERE identity_id = $1 AND name = $2"
            ))
            .bind(identity)
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
            let d = dataset_from(&d)?;
            tx.commit().await?;
            Ok(Some(d))
        })
        .await
    }

    async fn pool_sync_usage(&self, pool: &str) -> StoreResult<(i64, i64, i64, i64)> {
        let r = sqlx::query(
            "SELECT CAST(COALESCE(SUM(sync_count), 0) AS BIGINT) AS sessions, COUNT(*) AS datasets, \
             CAST(COALESCE(SUM(bytes), 0) AS BIGINT) AS bytes, \
             COALESCE(MAX(updated_at), 0) AS last FROM sync_datasets WHERE pool_id = $1 AND deleted = 0",
        )
        .bind(pool)
        .fetch_one(&self.reader)
        .await?;
        Ok((r.try_get("sessions")?, r.try_get("datasets")?, r.try_get("bytes")?, r.try_get("last")?))
    }

    async fn get_sync_config(&self, pool: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar("SELECT document FROM sync_pool_config WHERE pool_id = $1")
            .bind(pool)
            .fetch_optional(&self.reader)
            .await?)
    }

    async fn put_sync_config(&self, pool: &str, document: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sync_pool_config (pool_id, document) VALUES ($1, $2) \
             ON CONFLICT (pool_id) DO UPDATE SET document = excluded.document",
        )
        .bind(pool)
        .bind(document)
        .execute(&self.writer)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => e.into(),
        })?;
        Ok(())
    }

    async fn put_sync_device(&self, device: &SyncDevice) -> StoreResult<SyncDevice> {
        sqlx::query(
            "INSERT INTO sync_devices (device_id, pool_id, identity_id, platform, token, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (identity_id, platform, token) DO NOTHING",
        )
        .bind(&device.device_id)
        .bind(&device.pool_id)
        .bind(&device.identity_id)
        .bind(&device.platform)
        .bind(&device.token)
        .bind(device.created_at)
        .execute(&self.writer)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => e.into(),
        })?;
        let r = sqlx::query(&format!(
            "SELECT {DEVICE_COLUMNS} FROM sync_devices WHERE identity_id = $1 AND platform = $2 AND token = $3"
        ))
        .bind(&device.identity_id)
        .bind(&device.platform)
        .bind(&device.token)
        .fetch_one(&self.writer)
        .await?;
        device_from(&r)
    }

    async fn get_sync_device(&self, device_id: &str) -> StoreResult<Option<SyncDevice>> {
        sqlx::query(&format!("SELECT {DEVICE_COLUMNS} FROM sync_devices WHERE device_id = $1"))
            .bind(device_id)
            .fetch_optional(&self.reader)
            .await?
            .map(|r| device_from(&r))
            .transpose()
    }

    async fn set_subscription(&self, identity: &str, dataset: &str, device_id: &str, on: bool) -> StoreResult<()> {
        let q = if on {
            "INSERT INTO sync_subscriptions (identity_id, dataset, device_id) VALUES ($1, $2, $3) \
             ON CONFLICT (identity_id, dataset, device_id) DO NOTHING"
        } else {
            "DELETE FROM sync_subscriptions WHERE identity_id = $1 AND dataset = $2 AND device_id = $3"
        };
        sqlx::query(q).bind(identity).bind(dataset).bind(device_id).execute(&self.writer).await.map_err(
            |e| match &e {
                sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
                _ => e.into(),
            },
        )?;
        Ok(())
    }

    async fn subscribers(&self, identity: &str, dataset: &str) -> StoreResult<Vec<SyncDevice>> {
        let rows = sqlx::query(
            "SELECT d.device_id, d.pool_id, d.identity_id, d.platform, d.token, d.created_at FROM sync_subscriptions s \
             JOIN sync_devices d ON d.device_id = s.device_id WHERE s.identity_id = $1 AND s.dataset = $2 ORDER BY d.device_id",
        )
        .bind(identity)
        .bind(dataset)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(device_from).collect()
    }
}

/// UpdateRecords inside `tx`: every patch or none (a conflict or a limit writes nothing). The
/// caller commits: one request a transaction, or several in a group commit (SQLite).
pub(super) async fn apply_in(
    tx: &mut sqlx::Transaction<'_, super::Db>,
    at: DatasetRef<'_>,
    patches: &[SyncPatch],
    by: &str,
    now: i64,
    limits: SyncLimits,
) -> StoreResult<PatchOutcome> {
    let DatasetRef { pool, identity, name } = at;
    let current: Option<SyncDataset> =
        sqlx::query(&format!("SELECT {DATASET_COLUMNS} FROM sync_datasets WHERE identity_id = $1 AND name = $2"))
            .bind(identity)
            .bind(name)
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| dataset_from(&r))
            .transpose()?;
    if current.as_ref().is_none_or(|d| d.deleted) {
        let live: i64 =
            // Not counting this name: a concurrent request may have just created it, and then
            // the insert below fails and the request runs again (a conflict, not a limit).
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM sync_datasets WHERE identity_id = $1 AND deleted = 0 AND name <> $2",
            )
            .bind(identity)
            .bind(name)
            .fetch_one(&mut **tx)
            .await?;
        if live >= limits.datasets_per_identity {
            return Ok(PatchOutcome::Limit(format!(
                "An identity has at most {} datasets.",
                limits.datasets_per_identity
            )));
        }
    }
    let (mut records, mut bytes) = match &current {
        Some(d) if !d.deleted => (d.records, d.bytes),
        _ => (0, 0),
    };
    // Each key's record now (the last patch of a key wins within one request).
    let mut seen = std::collections::HashMap::<&str, Option<SyncRecord>>::new();
    if current.as_ref().is_some_and(|d| !d.deleted) {
        // One read for every key of the request (a deleted dataset's records are gone;
        // a revived one starts afresh).
        for chunk in patches.chunks(500) {
            let mut q = sqlx::QueryBuilder::<super::Db>::new(format!(
                "SELECT {RECORD_COLUMNS} FROM sync_records WHERE identity_id = "
            ));
            q.push_bind(identity).push(" AND dataset = ").push_bind(name).push(" AND key IN (");
            let mut sep = q.separated(", ");
            for p in chunk {
                sep.push_bind(p.key.as_str());
            }
            q.push(")");
            for row in q.build().fetch_all(&mut **tx).await? {
                let r = record_from(&row)?;
                if let Some(p) = patches.iter().find(|p| p.key == r.key) {
                    seen.insert(p.key.as_str(), Some(r));
                }
            }
        }
    }
    for p in patches {
        let now_count = seen.get(p.key.as_str()).and_then(|r| r.as_ref()).map(|r| r.sync_count).unwrap_or(0);
        if now_count != p.sync_count {
            return Ok(PatchOutcome::Conflict(p.key.clone()));
        }
    }
    let mut last: std::collections::HashMap<&str, &SyncPatch> = std::collections::HashMap::new();
    for p in patches {
        last.insert(p.key.as_str(), p);
    }
    for (key, p) in &last {
        let before = seen.get(key).and_then(|r| r.as_ref()).and_then(|r| r.value.as_deref());
        bytes += size(key, p.value.as_deref()) - size(key, before);
        records += i64::from(p.value.is_some()) - i64::from(before.is_some());
    }
    if bytes > limits.bytes_per_dataset {
        return Ok(PatchOutcome::Limit(format!(
            "A dataset holds at most {} bytes of keys and values.",
            limits.bytes_per_dataset
        )));
    }
    if records > limits.records_per_dataset {
        return Ok(PatchOutcome::Limit(format!("A dataset holds at most {} records.", limits.records_per_dataset)));
    }
    let count = current.as_ref().map(|d| d.sync_count).unwrap_or(0) + 1;
    match &current {
        None => {
            sqlx::query(
                "INSERT INTO sync_datasets (identity_id, name, pool_id, created_at, updated_at, last_modified_by, \
                 sync_count, records, bytes, deleted, merged) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, 0, '[]')",
            )
            .bind(identity)
            .bind(name)
            .bind(pool)
            .bind(now)
            .bind(by)
            .bind(count)
            .bind(records)
            .bind(bytes)
            .execute(&mut **tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
                sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Retry,
                _ => e.into(),
            })?;
        }
        Some(d) => {
            if d.deleted {
                sqlx::query("DELETE FROM sync_records WHERE identity_id = $1 AND dataset = $2")
                    .bind(identity)
                    .bind(name)
                    .execute(&mut **tx)
                    .await?;
            }
            let r = sqlx::query(
                "UPDATE sync_datasets SET updated_at = $1, last_modified_by = $2, sync_count = $3, records = $4, \
                 bytes = $5, deleted = 0, created_at = CASE WHEN deleted = 1 THEN $1 ELSE created_at END \
                 WHERE identity_id = $6 AND name = $7 AND sync_count = $8",
            )
            .bind(now)
            .bind(by)
            .bind(count)
            .bind(records)
            .bind(bytes)
            .bind(identity)
            .bind(name)
            .bind(d.sync_count)
            .execute(&mut **tx)
            .await?;
            if r.rows_affected() == 0 {
                return Err(StoreError::Retry); // a concurrent update won; read again
            }
        }
    }
    // Every patched record in one statement (the last patch of a key).
    let out: Vec<SyncRecord> = patches
        .iter()
        .filter(|p| std::ptr::eq(last[p.key.as_str()], *p))
        .map(|p| SyncRecord {
            key: p.key.clone(),
            value: p.value.clone(),
            sync_count: count,
            modified_at: now,
            modified_by: by.to_string(),
            device_modified_at: p.device_modified_at,
        })
        .collect();
    for chunk in out.chunks(500) {
        let mut q = sqlx::QueryBuilder::<super::Db>::new(
            "INSERT INTO sync_records (identity_id, dataset, key, value, sync_count, modified_at, modified_by, \
             device_modified_at) ",
        );
        q.push_values(chunk, |mut b, r| {
            b.push_bind(identity)
                .push_bind(name)
                .push_bind(r.key.as_str())
                .push_bind(r.value.as_deref())
                .push_bind(r.sync_count)
                .push_bind(r.modified_at)
                .push_bind(by)
                .push_bind(r.device_modified_at);
        });
        q.push(
            " ON CONFLICT (identity_id, dataset, key) DO UPDATE SET value = excluded.value, \
             sync_count = excluded.sync_count, modified_at = excluded.modified_at, \
             modified_by = excluded.modified_by, device_modified_at = excluded.device_modified_at",
        );
        q.build().execute(&mut **tx).await?;
    }
    let revived = current.as_ref().is_none_or(|d| d.deleted);
    let dataset = SyncDataset {
        identity_id: identity.to_string(),
        name: name.to_string(),
        pool_id: current.as_ref().map(|d| d.pool_id.clone()).unwrap_or_else(|| pool.to_string()),
        created_at: if revived { now } else { current.as_ref().map(|d| d.created_at).unwrap_or(now) },
        updated_at: now,
        last_modified_by: by.to_string(),
        sync_count: count,
        records,
        bytes,
        deleted: false,
        merged: current.as_ref().map(|d| d.merged.clone()).unwrap_or_default(),
    };
    Ok(PatchOutcome::Applied(out, dataset))
}
