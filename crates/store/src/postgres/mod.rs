//! The PostgreSQL backend, for several stateless nodes on one database. It runs the same SQL as
//! the SQLite backend (`crate::sql`, `$N` placeholders, `ON CONFLICT`, row-value comparisons)
//! against PostgreSQL's migrations (`migrations/postgres`, same numbers). No advisory locks or
//! LISTEN/NOTIFY: migrations exclude each other through the unique key of their own record.

#[path = "../sql/auth.rs"]
mod auth;
#[path = "../sql/auth_events.rs"]
mod auth_events;
#[path = "../sql/clients.rs"]
mod clients;
#[path = "../sql/devices.rs"]
mod devices;
#[path = "../sql/groups.rs"]
mod groups;
#[path = "../sql/hosted.rs"]
mod hosted;
#[path = "../sql/identities.rs"]
mod identities;
#[path = "../sql/jobs.rs"]
mod jobs;
#[path = "../sql/pools.rs"]
mod pools;
#[path = "../sql/providers.rs"]
mod providers;
#[path = "../sql/rows.rs"]
mod rows;
#[path = "../sql/sessions.rs"]
mod sessions;
#[path = "../sql/sync.rs"]
mod sync;
#[path = "../sql/usage.rs"]
mod usage;
#[path = "../sql/users.rs"]
mod users;
#[path = "../sql/webauthn.rs"]
mod webauthn;

use crate::{MetaStore, Store, StoreError, StoreResult};
use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

type Db = sqlx::Postgres;
type DbRow = sqlx::postgres::PgRow;
type DbStore = PgStore;

/// Numbered migrations, the same numbers as SQLite's.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/postgres/0001_init.sql")),
    (2, "auth", include_str!("../../migrations/postgres/0002_auth.sql")),
    (3, "user_mfa", include_str!("../../migrations/postgres/0003_user_mfa.sql")),
    (4, "srp", include_str!("../../migrations/postgres/0004_srp.sql")),
    (5, "devices", include_str!("../../migrations/postgres/0005_devices.sql")),
    (6, "pending_attributes", include_str!("../../migrations/postgres/0006_pending_attributes.sql")),
    (7, "unknown_failures", include_str!("../../migrations/postgres/0007_unknown_failures.sql")),
    (8, "hosted_ui", include_str!("../../migrations/postgres/0008_hosted_ui.sql")),
    (9, "identity_providers", include_str!("../../migrations/postgres/0009_identity_providers.sql")),
    (10, "stateless_codes", include_str!("../../migrations/postgres/0010_stateless_codes.sql")),
    (11, "provider_links", include_str!("../../migrations/postgres/0011_provider_links.sql")),
    (12, "once_markers", include_str!("../../migrations/postgres/0012_once_markers.sql")),
    (13, "identity_pools", include_str!("../../migrations/postgres/0013_identity_pools.sql")),
    (14, "monthly_active", include_str!("../../migrations/postgres/0014_monthly_active.sql")),
    (15, "jobs_and_changes", include_str!("../../migrations/postgres/0015_jobs_and_changes.sql")),
    (16, "sync", include_str!("../../migrations/postgres/0016_sync.sql")),
    (17, "user_sessions", include_str!("../../migrations/postgres/0017_user_sessions.sql")),
    (18, "webauthn", include_str!("../../migrations/postgres/0018_webauthn.sql")),
    (19, "auth_events", include_str!("../../migrations/postgres/0019_auth_events.sql")),
    (20, "versions", include_str!("../../migrations/postgres/0020_versions.sql")),
];

/// Connection pool settings (`COGNATE_DATABASE_MAX_CONNECTIONS`, `..._ACQUIRE_TIMEOUT_SECS`).
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// Connections per node.
    pub max_connections: u32,
    /// How long a request waits for a free connection.
    pub acquire_timeout: Duration,
    /// Server-side limit for one statement.
    pub statement_timeout: Duration,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(30),
        }
    }
}

/// The PostgreSQL store. `writer` and `reader` are the same pool (the shared SQL names both).
#[derive(Clone)]
pub struct PgStore {
    writer: PgPool,
    reader: PgPool,
    cache: std::sync::Arc<crate::cache::ReadCache>,
}

impl PgStore {
    /// Turns the read cache on. Other nodes write the same rows, so each hit is confirmed by a
    /// version probe before it is used (`Coherence::Probe`, see `crate::cache`).
    pub fn with_read_cache(mut self, limits: crate::cache::CacheLimits) -> Self {
        self.cache = std::sync::Arc::new(crate::cache::ReadCache::new(limits, crate::cache::Coherence::Probe));
        self
    }

    /// Every read goes through the pool here.
    fn inline_rows<T>(
        &self,
        _sql: &str,
        _binds: &[users::Bind],
        _f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Option<Vec<T>> {
        None
    }
}

impl PgStore {
    /// Stores a refresh token (PostgreSQL groups concurrent commits itself).
    /// UpdateRecords in a transaction of its own (run again if the database aborts it).
    async fn commit_sync_patches(
        &self,
        at: crate::DatasetRef<'_>,
        patches: &[crate::SyncPatch],
        by: &str,
        now: i64,
        limits: crate::SyncLimits,
    ) -> StoreResult<crate::PatchOutcome> {
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            let out = sync::apply_in(&mut tx, at, patches, by, now, limits).await?;
            tx.commit().await?;
            Ok(out)
        })
        .await
    }

    async fn commit_refresh_token(&self, t: &crate::RefreshToken) -> StoreResult<()> {
        auth::insert_refresh_token(&self.writer, t).await.map_err(auth::refresh_insert_error)
    }

    /// Connects without touching the schema.
    pub async fn connect_only(url: &str, opts: &PgOptions) -> StoreResult<Self> {
        let timeout = format!("{}", opts.statement_timeout.as_millis());
        let connect = PgConnectOptions::from_str(url)?.options([("statement_timeout", timeout.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(opts.max_connections)
            .acquire_timeout(opts.acquire_timeout)
            .connect_with(connect)
            .await?;
        Ok(Self { writer: pool.clone(), reader: pool, cache: std::sync::Arc::new(crate::cache::ReadCache::off()) })
    }

    /// Connects and runs pending migrations (safe when several nodes start together).
    pub async fn connect(url: &str, opts: &PgOptions) -> StoreResult<Self> {
        let store = Self::connect_only(url, opts).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Runs pending migrations. Each runs in one transaction that first claims its own row in
    /// `cognate_migrations`: a second node claiming the same version waits for the first to
    /// commit, then finds it done. Refuses a database that is ahead of this binary.
    pub async fn migrate(&self) -> StoreResult<()> {
        let pool = &self.writer;
        let create = "CREATE TABLE IF NOT EXISTS cognate_migrations \
                      (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
        // Two nodes creating the table at once can collide in the catalog: try again.
        for attempt in 0.. {
            match sqlx::raw_sql(create).execute(pool).await {
                Ok(_) => break,
                Err(e) if attempt < 5 => {
                    tracing::debug!(error = %e, "creating the migrations table, retrying");
                    tokio::time::sleep(Duration::from_millis(100 * (attempt + 1))).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        for (version, name, sql) in MIGRATIONS {
            let mut tx = pool.begin().await?;
            let claimed = sqlx::query(
                "INSERT INTO cognate_migrations (version, name, applied_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (version) DO NOTHING",
            )
            .bind(version)
            .bind(name)
            .bind(cognate_model::now_millis())
            .execute(&mut *tx)
            .await?;
            if claimed.rows_affected() == 0 {
                tx.rollback().await?;
                continue;
            }
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
            tx.commit().await?;
            tracing::info!(version, name, "applied migration");
        }
        let latest: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM cognate_migrations").fetch_one(pool).await?;
        crate::error::refuse_newer_schema(latest, MIGRATIONS)
    }
}

/// Which of `values` are in `table.column` for the pool: one array parameter (`= ANY($2)`),
/// which PostgreSQL plans as an index lookup however often the statement runs (a long IN list
/// of parameters got a generic plan that scanned the table).
async fn existing(
    tx: &mut sqlx::Transaction<'_, Db>,
    table: &str,
    column: &str,
    pool: &str,
    values: &[&str],
) -> StoreResult<Vec<String>> {
    let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    Ok(sqlx::query_scalar(&format!("SELECT {column} FROM {table} WHERE pool_id = $1 AND {column} = ANY($2)"))
        .bind(pool)
        .bind(values)
        .fetch_all(&mut **tx)
        .await?)
}

/// Maps a unique-constraint failure to `Conflict(what)`, anything else to `Backend`.
fn conflict_or(e: sqlx::Error, what: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what.to_string()),
        _ => e.into(),
    }
}

#[async_trait]
impl MetaStore for PgStore {
    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = $1").bind(key).fetch_optional(&self.reader).await?)
    }

    async fn put_meta_if_absent(&self, key: &str, value: &str) -> StoreResult<bool> {
        let r = sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(value)
            .execute(&self.writer)
            .await?;
        Ok(r.rows_affected() == 1)
    }
}

#[async_trait]
impl Store for PgStore {
    async fn close(&self) {
        self.writer.close().await;
    }

    fn connections(&self) -> Vec<(&'static str, u32, u32)> {
        vec![("postgres", self.writer.size(), self.writer.num_idle() as u32)]
    }
}

/// A fresh, empty database on the server of `admin_url` (for tests): `(url, name)`.
pub async fn create_scratch_database(admin_url: &str) -> StoreResult<(String, String)> {
    use sqlx::Connection;
    // `cognate_test_<unix seconds>_…`: the test command drops the ones older than an hour.
    let secs = cognate_model::now_millis() / 1000;
    let name = format!("cognate_test_{secs}_{}_{}", std::process::id(), rand_suffix());
    let mut conn = sqlx::PgConnection::connect(admin_url).await?;
    sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut conn).await?;
    conn.close().await?;
    let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin_url);
    Ok((format!("{base}/{name}"), name))
}

fn rand_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(cognate_model::now_millis() as u64);
    format!("{:08x}", h.finish() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real serialization failure (write skew under SERIALIZABLE) becomes `StoreError::Retry`,
    /// which the store's transactions run again.
    #[tokio::test]
    async fn serialization_failures_are_retryable() {
        let Ok(admin) = std::env::var("COGNATE_TEST_POSTGRES_URL") else { return };
        let (url, _) = create_scratch_database(&admin).await.unwrap();
        let store = PgStore::connect(&url, &PgOptions::default()).await.unwrap();
        let (mut a, mut b) = (store.writer.acquire().await.unwrap(), store.writer.acquire().await.unwrap());
        for c in [&mut a, &mut b] {
            sqlx::raw_sql("BEGIN ISOLATION LEVEL SERIALIZABLE").execute(&mut **c).await.unwrap();
            let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meta").fetch_one(&mut **c).await.unwrap();
        }
        sqlx::query("INSERT INTO meta (key, value) VALUES ('a', 'x')").execute(&mut *a).await.unwrap();
        // PostgreSQL may notice the write skew at b's insert or at its commit.
        let failed = match sqlx::query("INSERT INTO meta (key, value) VALUES ('b', 'x')").execute(&mut *b).await {
            Err(e) => e,
            Ok(_) => {
                sqlx::raw_sql("COMMIT").execute(&mut *a).await.unwrap();
                sqlx::raw_sql("COMMIT").execute(&mut *b).await.unwrap_err()
            }
        };
        assert!(matches!(StoreError::from(failed), StoreError::Retry));
        drop((a, b));
        store.close().await;
    }

    /// The conformance suite on a fresh PostgreSQL database, when `COGNATE_TEST_POSTGRES_URL`
    /// names a server (the test command sets it where PostgreSQL is reachable).
    #[tokio::test]
    async fn conformance_on_postgres() {
        let Ok(admin) = std::env::var("COGNATE_TEST_POSTGRES_URL") else {
            eprintln!("COGNATE_TEST_POSTGRES_URL is not set: PostgreSQL conformance skipped");
            return;
        };
        let (url, _) = create_scratch_database(&admin).await.unwrap();
        let opts = PgOptions::default();
        // Two nodes migrating at once: both succeed, the schema is applied once.
        let (a, b) = tokio::join!(PgStore::connect(&url, &opts), PgStore::connect(&url, &opts));
        let (store, other) = (a.unwrap(), b.unwrap());
        let applied: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM cognate_migrations").fetch_one(&store.reader).await.unwrap();
        assert_eq!(applied, MIGRATIONS.len() as i64);
        // Two nodes with their read caches: each reads the other's writes.
        let cached = |s: &PgStore| std::sync::Arc::new(s.clone().with_read_cache(Default::default()));
        crate::conformance::read_your_writes_across(cached(&store), cached(&other)).await;
        other.close().await;
        let store = store.with_read_cache(Default::default());
        crate::conformance::run_all(&store).await;
        crate::conformance::concurrent_unique_names(std::sync::Arc::new(store.clone())).await;
        crate::conformance::concurrent_refresh_tokens(std::sync::Arc::new(store.clone())).await;
        assert!(store.put_meta_if_absent("k", "v").await.unwrap());
        assert!(!store.put_meta_if_absent("k", "w").await.unwrap());
        store.close().await;
    }
}
