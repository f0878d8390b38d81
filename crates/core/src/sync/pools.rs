//! The pool-wide Cognito Sync operations (the developer's, on `AdminView`): usage, and the
//! pool's sync settings (push sync, Cognito Streams, Cognito Events) kept as one document.

use crate::views::AdminView;
use crate::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Push sync: where notifications of dataset changes go.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSync {
    pub application_arns: Vec<String>,
    pub role_arn: Option<String>,
}

/// Cognito Streams: publishing dataset changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Streams {
    pub stream_name: Option<String>,
    pub role_arn: Option<String>,
    /// `ENABLED` or `DISABLED`.
    pub status: Option<String>,
}

/// A pool's sync settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncSettings {
    pub push_sync: Option<PushSync>,
    pub streams: Option<Streams>,
    /// Cognito Events: event type (`SyncTrigger`) → Lambda function ARN.
    pub events: BTreeMap<String, String>,
    /// The last BulkPublish.
    #[serde(default)]
    pub bulk_publish: Option<BulkPublish>,
}

/// A BulkPublish and how it went.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkPublish {
    /// `IN_PROGRESS`, `SUCCEEDED` or `FAILED`.
    pub status: String,
    pub started_at: i64,
    pub completed_at: Option<i64>,
    pub failure: Option<String>,
}

/// A pool's sync usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolUsage {
    pub pool_id: String,
    /// Accepted UpdateRecords calls over the pool's live datasets.
    pub sync_sessions: i64,
    pub bytes: i64,
    pub last_modified: Option<i64>,
}

impl crate::Cognate {
    /// The pool's sync settings document, read and parsed (`None`: never set).
    pub(crate) async fn read_sync_settings(&self, pool: &str) -> CoreResult<Option<SyncSettings>> {
        match self.store.get_sync_config(pool).await? {
            Some(doc) => {
                serde_json::from_str(&doc).map(Some).map_err(|e| CoreError::Internal(format!("sync settings: {e}")))
            }
            None => Ok(None),
        }
    }
}

impl AdminView<'_> {
    async fn identity_pool_exists(&self, pool: &str) -> CoreResult<()> {
        match self.store.get_identity_pool(pool).await? {
            Some(_) => Ok(()),
            None => Err(CoreError::ResourceNotFound(format!("IdentityPool '{pool}' not found."))),
        }
    }

    /// The pool's sync settings. Errors: ResourceNotFound.
    pub async fn sync_settings(&self, pool: &str) -> CoreResult<SyncSettings> {
        self.identity_pool_exists(pool).await?;
        Ok(self.read_sync_settings(pool).await?.unwrap_or_default())
    }

    /// Changes the pool's sync settings with `change`. Errors: ResourceNotFound, what `change`
    /// refuses.
    pub async fn update_sync_settings(
        &self,
        pool: &str,
        change: impl FnOnce(&mut SyncSettings) -> CoreResult<()>,
    ) -> CoreResult<SyncSettings> {
        let mut s = self.sync_settings(pool).await?;
        change(&mut s)?;
        let doc = serde_json::to_string(&s).map_err(|e| CoreError::Internal(e.to_string()))?;
        self.store.put_sync_config(pool, &doc).await.map_err(|e| match e {
            cognate_store::StoreError::NotFound => {
                CoreError::ResourceNotFound(format!("IdentityPool '{pool}' not found."))
            }
            e => e.into(),
        })?;
        self.sync_settings_cache.put(pool, Some(s.clone()), cognate_model::now_millis());
        Ok(s)
    }

    /// DescribeIdentityPoolUsage. Errors: ResourceNotFound.
    pub async fn sync_pool_usage(&self, pool: &str) -> CoreResult<PoolUsage> {
        self.identity_pool_exists(pool).await?;
        let (sessions, _datasets, bytes, last) = self.store.pool_sync_usage(pool).await?;
        Ok(PoolUsage {
            pool_id: pool.to_string(),
            sync_sessions: sessions,
            bytes,
            last_modified: (last > 0).then_some(last),
        })
    }

    /// ListIdentityPoolUsage: every identity pool's usage, by pool id.
    pub async fn list_sync_pool_usage(
        &self,
        token: Option<&str>,
        max: Option<i64>,
    ) -> CoreResult<(Vec<PoolUsage>, Option<String>)> {
        let limit = match max {
            Some(n) if n >= 1 => (n as usize).min(60),
            _ => 60,
        };
        let after = crate::paging::after(token)?;
        let pools = self.store.list_identity_pools(after.as_deref(), limit + 1).await?;
        let (pools, next) = crate::paging::split(pools, limit, |p| p.id.as_str());
        let mut out = Vec::with_capacity(pools.len());
        for p in pools {
            let (sessions, _, bytes, last) = self.store.pool_sync_usage(&p.id).await?;
            out.push(PoolUsage {
                pool_id: p.id,
                sync_sessions: sessions,
                bytes,
                last_modified: (last > 0).then_some(last),
            });
        }
        Ok((out, next))
    }
}
