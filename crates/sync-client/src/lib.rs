//! A Cognito Sync client with an offline cache.
//!
//! ```no_run
//! # async fn demo() -> Result<(), cognate_sync::Error> {
//! use cognate_sync::{ConflictPolicy, SyncClient};
//! let client = SyncClient::open("./cache".as_ref(), "http://127.0.0.1:9229", "us-east-1:…", Default::default()).await?;
//! let prefs = client.dataset("prefs");
//! prefs.put("theme", "dark").await?;            // works offline
//! prefs.synchronize(&ConflictPolicy::LastWriterWins).await?; // push and pull when online
//! println!("{:?}", prefs.get("theme").await?);
//! # Ok(()) }
//! ```
//!
//! The cache (`cache`) keeps every record with the server's sync count it is based on and a
//! dirty flag; `put`/`remove` only touch the cache. [`Dataset::synchronize`] pulls the changes
//! after the dataset's last synchronized count (ListRecords), resolves the records changed on
//! both sides through a [`SyncHandler`], pushes the local changes (UpdateRecords with the
//! session token ListRecords gave) and starts over when the server reports a conflict (another
//! device pushed in between). A local change stays dirty until the server has accepted it, so
//! a synchronize cut off anywhere loses nothing and is simply run again.
//!
//! The client gets its identity (GetId, with the logins it was given or as a guest), keeps the
//! identity id in the cache, and gets and refreshes its temporary credentials
//! (GetCredentialsForIdentity) itself; every Cognito Sync call is signed with them.

mod cache;
mod remote;

pub use cache::{Cache, LocalRecord};
pub use remote::Remote;

use std::collections::HashMap;
use std::path::Path;

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The local cache.
    #[error("local cache: {0}")]
    Cache(String),
    /// The service answered with an error (its code and message).
    #[error("{code}: {message}")]
    Service { code: String, message: String },
    /// The service could not be reached (offline): local data is untouched.
    #[error("cannot reach the service: {0}")]
    Unreachable(String),
    /// Synchronize gave up after repeated conflicts with other devices.
    #[error("the dataset kept changing on other devices; synchronize again")]
    TooManyConflicts,
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Cache(e.to_string())
    }
}

/// Result alias.
pub type Result<T> = std::result::Result<T, Error>;

/// A record changed both here and on the server since the last synchronize.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub key: String,
    /// This device's value (`None`: removed here).
    pub local: Option<String>,
    /// When this device changed it (ms).
    pub local_modified_at: i64,
    /// The server's value (`None`: removed there).
    pub remote: Option<String>,
    /// When the other device changed it, as that device said (ms), else when the server did.
    pub remote_modified_at: i64,
    /// The server's sync count of the record.
    pub remote_sync_count: i64,
}

/// How a conflict ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The server's value wins.
    Remote,
    /// This device's value wins (it is pushed).
    Local,
    /// A new value (merged by the app; `None`: removed), pushed.
    Value(Option<String>),
}

/// What an app decides during synchronize.
pub trait SyncHandler: Send + Sync {
    /// Decides each conflict; the answer has one resolution per conflict, in order.
    fn on_conflict(&self, dataset: &str, conflicts: &[Conflict]) -> Vec<Resolution>;
    /// The dataset was deleted on the server (by another device): `true` deletes it here too
    /// (the default); `false` keeps the local copy and pushes it back.
    fn on_dataset_deleted(&self, _dataset: &str) -> bool {
        true
    }
    /// Datasets of another identity were merged into this one (they arrive as their own
    /// datasets, named in `merged`): `true` to go on (the default).
    fn on_datasets_merged(&self, _dataset: &str, _merged: &[String]) -> bool {
        true
    }
}

/// The built-in conflict policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictPolicy {
    /// The later change wins, by the devices' clocks (the server's when a device gave none).
    LastWriterWins,
    /// The server's value wins.
    RemoteWins,
    /// This device's value wins.
    LocalWins,
}

impl SyncHandler for ConflictPolicy {
    fn on_conflict(&self, _dataset: &str, conflicts: &[Conflict]) -> Vec<Resolution> {
        conflicts
            .iter()
            .map(|c| match self {
                ConflictPolicy::RemoteWins => Resolution::Remote,
                ConflictPolicy::LocalWins => Resolution::Local,
                ConflictPolicy::LastWriterWins if c.local_modified_at > c.remote_modified_at => Resolution::Local,
                ConflictPolicy::LastWriterWins => Resolution::Remote,
            })
            .collect()
    }
}

/// What one synchronize did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Records taken from the server.
    pub pulled: usize,
    /// Local changes the server accepted.
    pub pushed: usize,
    /// Conflicts resolved.
    pub conflicts: usize,
    /// The dataset was deleted on the server and here.
    pub deleted: bool,
    /// The dataset's sync count now.
    pub sync_count: i64,
}

/// An identity's datasets: the cache plus the service.
pub struct SyncClient {
    cache: Cache,
    remote: Remote,
}

impl SyncClient {
    /// Opens the cache in `cache_dir` for the identity pool at `endpoint`. `logins` (provider →
    /// token) sign the identity in; none is a guest. The identity id is taken from the cache
    /// when it has one, else from the service at the first call that needs it.
    pub async fn open(
        cache_dir: &Path,
        endpoint: &str,
        identity_pool_id: &str,
        logins: HashMap<String, String>,
    ) -> Result<Self> {
        let cache = Cache::open(cache_dir).await?;
        let known = cache.meta("identity_id").await?;
        let remote = Remote::new(endpoint, identity_pool_id, logins, known);
        Ok(Self { cache, remote })
    }

    /// Uses this identity id (e.g. one the app got elsewhere) and keeps it in the cache.
    pub async fn set_identity_id(&self, id: &str) -> Result<()> {
        self.cache.set_meta("identity_id", id).await?;
        self.remote.set_identity_id(id).await;
        Ok(())
    }

    /// The identity id: cached, or got from the service (GetId) and cached.
    pub async fn identity_id(&self) -> Result<String> {
        let id = self.remote.identity_id().await?;
        if self.cache.meta("identity_id").await?.as_deref() != Some(id.as_str()) {
            self.cache.set_meta("identity_id", &id).await?;
        }
        Ok(id)
    }

    /// A dataset (created locally at its first write).
    pub fn dataset(&self, name: &str) -> Dataset<'_> {
        Dataset { client: self, name: name.to_string() }
    }

    /// The datasets in the cache.
    pub async fn local_datasets(&self) -> Result<Vec<String>> {
        self.cache.datasets().await
    }

    /// The datasets on the server (ListDatasets).
    pub async fn remote_datasets(&self) -> Result<Vec<String>> {
        self.remote.list_datasets().await
    }
}

/// One dataset.
pub struct Dataset<'a> {
    client: &'a SyncClient,
    name: String,
}

impl Dataset<'_> {
    /// A value (from the cache).
    pub async fn get(&self, key: &str) -> Result<Option<String>> {
        Ok(self.client.cache.record(&self.name, key).await?.and_then(|r| r.value))
    }

    /// Every key and value (from the cache; removed ones left out).
    pub async fn get_all(&self) -> Result<Vec<(String, String)>> {
        Ok(self.client.cache.records(&self.name).await?.into_iter().filter_map(|r| Some((r.key, r.value?))).collect())
    }

    /// Sets a value locally (offline); the next synchronize pushes it.
    pub async fn put(&self, key: &str, value: &str) -> Result<()> {
        self.client.cache.write(&self.name, key, Some(value)).await
    }

    /// Removes a value locally; the next synchronize pushes the removal.
    pub async fn remove(&self, key: &str) -> Result<()> {
        self.client.cache.write(&self.name, key, None).await
    }

    /// Local changes not yet accepted by the server.
    pub async fn pending(&self) -> Result<Vec<LocalRecord>> {
        Ok(self.client.cache.records(&self.name).await?.into_iter().filter(|r| r.dirty).collect())
    }

    /// Pulls remote changes, resolves conflicts with `handler`, pushes local changes; again
    /// while other devices push in between (at most five rounds).
    pub async fn synchronize(&self, handler: &dyn SyncHandler) -> Result<SyncReport> {
        let mut report = SyncReport::default();
        for _ in 0..5 {
            match self.round(handler, &mut report).await? {
                true => return Ok(report),
                false => continue,
            }
        }
        Err(Error::TooManyConflicts)
    }

    /// One pull-resolve-push round; `false` when the push met a conflict.
    async fn round(&self, handler: &dyn SyncHandler, report: &mut SyncReport) -> Result<bool> {
        let cache = &self.client.cache;
        let since = cache.last_sync_count(&self.name).await?;
        let pulled = self.client.remote.list_records(&self.name, since).await?;
        if pulled.deleted_after {
            if handler.on_dataset_deleted(&self.name) {
                cache.forget(&self.name).await?;
                report.deleted = true;
                return Ok(true);
            }
            // Kept: every local record is pushed again as new.
            for r in cache.records(&self.name).await? {
                cache.rebase(&self.name, &r.key, r.value.as_deref(), 0).await?;
            }
            cache.set_last_sync_count(&self.name, 0).await?;
            return Ok(false);
        }
        if !pulled.merged.is_empty() && !handler.on_datasets_merged(&self.name, &pulled.merged) {
            return Ok(true);
        }
        let mut conflicts = vec![];
        for r in &pulled.records {
            match cache.record(&self.name, &r.key).await? {
                Some(local) if local.dirty && local.value != r.value => conflicts.push(Conflict {
                    key: r.key.clone(),
                    local: local.value.clone(),
                    local_modified_at: local.modified_at,
                    remote: r.value.clone(),
                    remote_modified_at: r.device_modified_at.unwrap_or(r.modified_at),
                    remote_sync_count: r.sync_count,
                }),
                _ => {
                    // Not changed here, or changed to the same value (a push whose answer was
                    // lost): the server's record, clean.
                    cache.store_remote(&self.name, &r.key, r.value.as_deref(), r.sync_count).await?;
                    report.pulled += 1;
                }
            }
        }
        if !conflicts.is_empty() {
            let decisions = handler.on_conflict(&self.name, &conflicts);
            for (c, d) in conflicts.iter().zip(decisions.into_iter().chain(std::iter::repeat(Resolution::Remote))) {
                match d {
                    Resolution::Remote => {
                        cache.store_remote(&self.name, &c.key, c.remote.as_deref(), c.remote_sync_count).await?;
                        report.pulled += 1;
                    }
                    Resolution::Local => {
                        cache.rebase(&self.name, &c.key, c.local.as_deref(), c.remote_sync_count).await?
                    }
                    Resolution::Value(v) => cache.rebase(&self.name, &c.key, v.as_deref(), c.remote_sync_count).await?,
                }
                report.conflicts += 1;
            }
        }
        let pending: Vec<LocalRecord> = cache.records(&self.name).await?.into_iter().filter(|r| r.dirty).collect();
        let mut count = pulled.sync_count.max(since);
        if !pending.is_empty() {
            match self.client.remote.update_records(&self.name, &pulled.session_token, &pending).await {
                Ok(accepted) => {
                    for r in &accepted {
                        cache.pushed(&self.name, &r.key, r.value.as_deref(), r.sync_count).await?;
                        count = count.max(r.sync_count);
                    }
                    report.pushed += accepted.len();
                }
                Err(Error::Service { code, .. }) if code == "ResourceConflictException" => {
                    cache.set_last_sync_count(&self.name, pulled.sync_count.max(since)).await?;
                    return Ok(false);
                }
                Err(e) => return Err(e),
            }
        }
        cache.set_last_sync_count(&self.name, count).await?;
        report.sync_count = count;
        Ok(true)
    }
}
