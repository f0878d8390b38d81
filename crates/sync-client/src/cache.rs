//! The local cache: one SQLite file in the cache directory holding the identity id, each
//! dataset's last synchronized count, and its records — the value, the server's sync count the
//! device last saw, and whether it changed locally since (`dirty`). Writes are committed before
//! they return (WAL, synchronous=FULL), so an interrupted synchronize loses nothing local.

use crate::{Error, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Row;
use std::path::Path;

/// A record as the device holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalRecord {
    pub key: String,
    /// `None`: removed.
    pub value: Option<String>,
    /// The server's sync count of this record when the device last saw it (0: never synced).
    pub sync_count: i64,
    /// Changed on this device since then.
    pub dirty: bool,
    /// When this device last changed it (ms).
    pub modified_at: i64,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS datasets (name TEXT PRIMARY KEY, last_sync_count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    dataset    TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT,
    sync_count INTEGER NOT NULL,
    dirty      INTEGER NOT NULL,
    modified_at INTEGER NOT NULL,
    PRIMARY KEY (dataset, key)
);";

/// The cache.
#[derive(Clone)]
pub struct Cache {
    db: SqlitePool,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

fn record(r: &sqlx::sqlite::SqliteRow) -> Result<LocalRecord> {
    Ok(LocalRecord {
        key: r.try_get("key")?,
        value: r.try_get("value")?,
        sync_count: r.try_get("sync_count")?,
        dirty: r.try_get::<i64, _>("dirty")? != 0,
        modified_at: r.try_get("modified_at")?,
    })
}

impl Cache {
    /// Opens (creating) the cache in `dir`.
    pub async fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::Cache(format!("cannot create {}: {e}", dir.display())))?;
        let opts = SqliteConnectOptions::new()
            .filename(dir.join("cognito-sync.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full);
        let db = SqlitePoolOptions::new().max_connections(1).connect_with(opts).await?;
        sqlx::raw_sql(SCHEMA).execute(&db).await?;
        Ok(Self { db })
    }

    /// A stored value of the cache itself (the identity id).
    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = $1").bind(key).fetch_optional(&self.db).await?)
    }

    /// Stores a value of the cache itself.
    pub async fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.db)
        .await?;
        Ok(())
    }

    /// The record of `key`, removed ones included.
    pub async fn record(&self, dataset: &str, key: &str) -> Result<Option<LocalRecord>> {
        sqlx::query("SELECT key, value, sync_count, dirty, modified_at FROM records WHERE dataset = $1 AND key = $2")
            .bind(dataset)
            .bind(key)
            .fetch_optional(&self.db)
            .await?
            .map(|r| record(&r))
            .transpose()
    }

    /// Every record of a dataset, removed ones included, by key.
    pub async fn records(&self, dataset: &str) -> Result<Vec<LocalRecord>> {
        let rows = sqlx::query(
            "SELECT key, value, sync_count, dirty, modified_at FROM records WHERE dataset = $1 ORDER BY key",
        )
        .bind(dataset)
        .fetch_all(&self.db)
        .await?;
        rows.iter().map(record).collect()
    }

    /// A local change: the record becomes `value` (`None`: removed) and dirty.
    pub async fn write(&self, dataset: &str, key: &str, value: Option<&str>) -> Result<()> {
        let mut tx = self.db.begin().await?;
        sqlx::query("INSERT INTO datasets (name, last_sync_count) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING")
            .bind(dataset)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO records (dataset, key, value, sync_count, dirty, modified_at) VALUES ($1, $2, $3, 0, 1, $4) \
             ON CONFLICT (dataset, key) DO UPDATE SET value = excluded.value, dirty = 1, modified_at = excluded.modified_at",
        )
        .bind(dataset)
        .bind(key)
        .bind(value)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the server holds: the record becomes `value` at `sync_count`, clean.
    pub async fn store_remote(&self, dataset: &str, key: &str, value: Option<&str>, sync_count: i64) -> Result<()> {
        self.set(dataset, key, value, sync_count, false).await
    }

    /// Keeps the local change but bases it on the server's `sync_count` (a conflict resolved
    /// for the local value, or to a new one), so the next push applies.
    pub async fn rebase(&self, dataset: &str, key: &str, value: Option<&str>, sync_count: i64) -> Result<()> {
        self.set(dataset, key, value, sync_count, true).await
    }

    async fn set(&self, dataset: &str, key: &str, value: Option<&str>, sync_count: i64, dirty: bool) -> Result<()> {
        sqlx::query(
            "INSERT INTO records (dataset, key, value, sync_count, dirty, modified_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (dataset, key) DO UPDATE SET value = excluded.value, sync_count = excluded.sync_count, \
             dirty = excluded.dirty",
        )
        .bind(dataset)
        .bind(key)
        .bind(value)
        .bind(sync_count)
        .bind(i64::from(dirty))
        .bind(now_ms())
        .execute(&self.db)
        .await?;
        Ok(())
    }

    /// A pushed change was accepted at `sync_count`: clean, unless it changed again meanwhile.
    pub async fn pushed(&self, dataset: &str, key: &str, value: Option<&str>, sync_count: i64) -> Result<()> {
        sqlx::query(
            "UPDATE records SET sync_count = $1, dirty = CASE WHEN value IS $2 THEN 0 ELSE 1 END \
             WHERE dataset = $3 AND key = $4",
        )
        .bind(sync_count)
        .bind(value)
        .bind(dataset)
        .bind(key)
        .execute(&self.db)
        .await?;
        Ok(())
    }

    /// The dataset's last synchronized count (0: never).
    pub async fn last_sync_count(&self, dataset: &str) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT last_sync_count FROM datasets WHERE name = $1")
            .bind(dataset)
            .fetch_optional(&self.db)
            .await?
            .unwrap_or(0))
    }

    /// Records the dataset's synchronized count.
    pub async fn set_last_sync_count(&self, dataset: &str, count: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO datasets (name, last_sync_count) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET last_sync_count = excluded.last_sync_count",
        )
        .bind(dataset)
        .bind(count)
        .execute(&self.db)
        .await?;
        Ok(())
    }

    /// The datasets this device holds.
    pub async fn datasets(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT name FROM datasets ORDER BY name").fetch_all(&self.db).await?)
    }

    /// Forgets a dataset (it was deleted elsewhere).
    pub async fn forget(&self, dataset: &str) -> Result<()> {
        let mut tx = self.db.begin().await?;
        sqlx::query("DELETE FROM records WHERE dataset = $1").bind(dataset).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM datasets WHERE name = $1").bind(dataset).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
