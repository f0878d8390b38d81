//! The embedded SQLite backend: WAL, `synchronous=FULL` (a commit is on disk before the
//! response), one writer connection (writes never race each other for the lock) and a small
//! pool of readers.

// The SQL shared with the PostgreSQL backend (`crate::sql`), compiled here against SQLite.
#[path = "../sql/auth.rs"]
mod auth;
#[path = "../sql/auth_events.rs"]
mod auth_events;
mod batch;
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

type Db = sqlx::Sqlite;
type DbRow = sqlx::sqlite::SqliteRow;
type DbStore = SqliteStore;

use crate::{MetaStore, Store, StoreError, StoreResult};
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Numbered migrations; PostgreSQL uses the same numbers.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/sqlite/0001_init.sql")),
    (2, "auth", include_str!("../../migrations/sqlite/0002_auth.sql")),
    (3, "user_mfa", include_str!("../../migrations/sqlite/0003_user_mfa.sql")),
    (4, "srp", include_str!("../../migrations/sqlite/0004_srp.sql")),
    (5, "devices", include_str!("../../migrations/sqlite/0005_devices.sql")),
    (6, "pending_attributes", include_str!("../../migrations/sqlite/0006_pending_attributes.sql")),
    (7, "unknown_failures", include_str!("../../migrations/sqlite/0007_unknown_failures.sql")),
    (8, "hosted_ui", include_str!("../../migrations/sqlite/0008_hosted_ui.sql")),
    (9, "identity_providers", include_str!("../../migrations/sqlite/0009_identity_providers.sql")),
    (10, "stateless_codes", include_str!("../../migrations/sqlite/0010_stateless_codes.sql")),
    (11, "provider_links", include_str!("../../migrations/sqlite/0011_provider_links.sql")),
    (12, "once_markers", include_str!("../../migrations/sqlite/0012_once_markers.sql")),
    (13, "identity_pools", include_str!("../../migrations/sqlite/0013_identity_pools.sql")),
    (14, "monthly_active", include_str!("../../migrations/sqlite/0014_monthly_active.sql")),
    (15, "jobs_and_changes", include_str!("../../migrations/sqlite/0015_jobs_and_changes.sql")),
    (16, "sync", include_str!("../../migrations/sqlite/0016_sync.sql")),
    (17, "user_sessions", include_str!("../../migrations/sqlite/0017_user_sessions.sql")),
    (18, "webauthn", include_str!("../../migrations/sqlite/0018_webauthn.sql")),
    (19, "auth_events", include_str!("../../migrations/sqlite/0019_auth_events.sql")),
    (20, "versions", include_str!("../../migrations/sqlite/0020_versions.sql")),
];

/// Page size of new databases. A user row (attributes, password hash, sealed SRP verifier) is
/// about 1.6 KB; in a WITHOUT ROWID table a row larger than about a quarter page spills into
/// overflow pages, which at 4 KiB made a user cost 4.7 KB. Existing databases keep theirs.
const PAGE_SIZE: u32 = 8192;
#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    refresh_tokens: batch::RefreshBatcher,
    sync_patches: batch::SyncBatcher,
    cache: std::sync::Arc<crate::cache::ReadCache>,
    /// The database file (`None`: in memory).
    path: Option<std::path::PathBuf>,
    /// With the read cache: connections for short reads on the calling thread.
    inline: Option<std::sync::Arc<InlineReaders>>,
}

/// Read-only connections (rusqlite, the same SQLite library as sqlx's) for the short index reads
/// of a listing, run on the calling thread: sqlx runs every SQLite statement on a worker thread
/// of its connection, and the two context switches a statement were a third of a ListUsers.
/// A busy or failing connection is not waited for: the caller goes through the pool instead.
struct InlineReaders {
    conns: Vec<std::sync::Mutex<rusqlite::Connection>>,
}

impl InlineReaders {
    fn open(path: &Path) -> rusqlite::Result<Self> {
        use rusqlite::OpenFlags;
        let conns = (0..2)
            .map(|_| {
                let c = rusqlite::Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                c.busy_timeout(Duration::from_millis(20))?;
                c.set_prepared_statement_cache_capacity(64);
                Ok(std::sync::Mutex::new(c))
            })
            .collect::<rusqlite::Result<_>>()?;
        Ok(Self { conns })
    }

    /// `sql`'s rows, each through `f`, on a free connection; `None` when none is free or the
    /// read fails (logged).
    fn rows<T>(
        &self,
        sql: &str,
        binds: &[users::Bind],
        mut f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Option<Vec<T>> {
        let conn = self.conns.iter().find_map(|c| c.try_lock().ok())?;
        let mut read = || -> rusqlite::Result<Vec<T>> {
            let mut stmt = conn.prepare_cached(sql)?;
            // `$N` is bound by its number, as sqlx does (the text may name $6 before $5).
            for (i, b) in binds.iter().enumerate() {
                let Some(at) = stmt.parameter_index(&format!("${}", i + 1))? else { continue };
                match b {
                    users::Bind::Text(t) => stmt.raw_bind_parameter(at, t)?,
                    users::Bind::Int(n) => stmt.raw_bind_parameter(at, n)?,
                    users::Bind::Bool(v) => stmt.raw_bind_parameter(at, v)?,
                }
            }
            let mut rows = stmt.raw_query();
            let mut out = vec![];
            while let Some(r) = rows.next()? {
                out.push(f(r)?);
            }
            Ok(out)
        };
        read().map_err(|e| tracing::warn!(error = %e, "inline read failed; using the pool")).ok()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and runs pending migrations.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .page_size(PAGE_SIZE);
        let writer = SqlitePoolOptions::new().max_connections(1).connect_with(opts.clone()).await?;
        migrate(&writer).await?;
        let reader = SqlitePoolOptions::new().max_connections(4).connect_with(opts.read_only(true)).await?;
        let refresh_tokens = batch::RefreshBatcher::start(writer.clone());
        let sync_patches = batch::SyncBatcher::start(writer.clone());
        let cache = std::sync::Arc::new(crate::cache::ReadCache::off());
        Ok(Self { writer, reader, refresh_tokens, sync_patches, cache, path: Some(path.to_path_buf()), inline: None })
    }

    /// A private in-memory database (one connection), for unit tests.
    pub async fn open_in_memory() -> StoreResult<Self> {
        let opts = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(opts)
            .await?;
        migrate(&pool).await?;
        let refresh_tokens = batch::RefreshBatcher::start(pool.clone());
        let sync_patches = batch::SyncBatcher::start(pool.clone());
        let cache = std::sync::Arc::new(crate::cache::ReadCache::off());
        Ok(Self { writer: pool.clone(), reader: pool, refresh_tokens, sync_patches, cache, path: None, inline: None })
    }
}

impl SqliteStore {
    /// Turns the read cache on. Only for the one process that serves this file (the server
    /// holds the data dir's lock): every update and delete then goes through this store, so hits
    /// need no check (`Coherence::Exclusive`, see `crate::cache`).
    pub fn with_read_cache(mut self, limits: crate::cache::CacheLimits) -> Self {
        self.cache = std::sync::Arc::new(crate::cache::ReadCache::new(limits, crate::cache::Coherence::Exclusive));
        if let (Some(path), true) = (&self.path, self.cache.lists_from_cache()) {
            match InlineReaders::open(path) {
                Ok(r) => self.inline = Some(std::sync::Arc::new(r)),
                Err(e) => tracing::warn!(error = %e, "inline readers not opened; listings go through the pool"),
            }
        }
        self
    }

    /// `sql`'s rows read inline (see [`InlineReaders`]), when they can be.
    fn inline_rows<T>(
        &self,
        sql: &str,
        binds: &[users::Bind],
        f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Option<Vec<T>> {
        self.inline.as_ref()?.rows(sql, binds, f)
    }
}

/// A consistent copy of the database file `db`, taken while a server may be writing to it
/// (`VACUUM INTO` on a connection of its own: in WAL mode it reads one snapshot and blocks no
/// writer). `out` must not exist.
pub async fn backup_file(db: &Path, out: &Path) -> StoreResult<()> {
    use sqlx::{ConnectOptions, Connection};
    if out.exists() {
        return Err(StoreError::Conflict(format!("{} exists", out.display())));
    }
    let opts = SqliteConnectOptions::new().filename(db).busy_timeout(Duration::from_secs(30));
    let mut conn = opts.connect().await?;
    sqlx::query("VACUUM INTO $1").bind(out.to_string_lossy().to_string()).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

impl SqliteStore {
    /// UpdateRecords through the group commit: requests that arrive while a commit is under
    /// way are committed together, each in a savepoint, one fsync for all.
    async fn commit_sync_patches(
        &self,
        at: crate::DatasetRef<'_>,
        patches: &[crate::SyncPatch],
        by: &str,
        now: i64,
        limits: crate::SyncLimits,
    ) -> StoreResult<crate::PatchOutcome> {
        self.sync_patches.apply(at, patches, by, now, limits).await
    }

    /// Stores a refresh token through the group commit.
    async fn commit_refresh_token(&self, t: &crate::RefreshToken) -> StoreResult<()> {
        self.refresh_tokens.insert(t).await
    }
}

async fn migrate(pool: &SqlitePool) -> StoreResult<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS cognate_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    )
    .execute(pool)
    .await?;
    for (version, name, sql) in MIGRATIONS {
        let mut tx = pool.begin().await?;
        let done: Option<i64> = sqlx::query_scalar("SELECT version FROM cognate_migrations WHERE version = $1")
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
        if done.is_some() {
            continue;
        }
        sqlx::raw_sql(sql).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO cognate_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(version)
            .bind(name)
            .bind(cognate_model::now_millis())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(version, name, "applied migration");
    }
    let latest: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM cognate_migrations").fetch_one(pool).await?;
    crate::error::refuse_newer_schema(latest, MIGRATIONS)
}

/// Which of `values` are in `table.column` for the pool (an IN list: SQLite plans it per
/// statement).
async fn existing(
    tx: &mut sqlx::Transaction<'_, Db>,
    table: &str,
    column: &str,
    pool: &str,
    values: &[&str],
) -> StoreResult<Vec<String>> {
    let mut q = sqlx::QueryBuilder::<Db>::new(format!("SELECT {column} FROM {table} WHERE pool_id = "));
    q.push_bind(pool.to_string()).push(format!(" AND {column} IN ("));
    let mut sep = q.separated(", ");
    for v in values {
        sep.push_bind(v.to_string());
    }
    q.push(")");
    Ok(q.build_query_scalar::<String>().fetch_all(&mut **tx).await?)
}

/// Maps a unique-constraint failure to `Conflict(what)`, anything else to `Backend`.
fn conflict_or(e: sqlx::Error, what: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what.to_string()),
        _ => e.into(),
    }
}

#[async_trait]
impl MetaStore for SqliteStore {
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
impl Store for SqliteStore {
    async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    fn connections(&self) -> Vec<(&'static str, u32, u32)> {
        vec![
            ("writer", self.writer.size(), self.writer.num_idle() as u32),
            ("reader", self.reader.size(), self.reader.num_idle() as u32),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn conformance_in_memory() {
        let store = SqliteStore::open_in_memory().await.unwrap();
        crate::conformance::run_all(&store).await;
    }

    #[tokio::test]
    async fn conformance_on_disk_and_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cognate.db");
        // As the server opens it: with the read cache.
        let store = SqliteStore::open(&path).await.unwrap().with_read_cache(Default::default());
        crate::conformance::run_all(&store).await;
        crate::conformance::concurrent_unique_names(std::sync::Arc::new(store.clone())).await;
        crate::conformance::concurrent_refresh_tokens(std::sync::Arc::new(store.clone())).await;
        let cli = SqliteStore::open(&path).await.unwrap();
        crate::conformance::inserts_beside_an_exclusive_cache(
            std::sync::Arc::new(store.clone()),
            std::sync::Arc::new(cli.clone()),
        )
        .await;
        cli.close().await;
        assert!(store.put_meta_if_absent("k", "v").await.unwrap());
        store.close().await;
        let again = SqliteStore::open(&path).await.unwrap();
        assert_eq!(again.get_meta("k").await.unwrap().as_deref(), Some("v"));
    }
}

#[cfg(test)]
mod plan_tests {
    use super::users::{list_query, prefix_successor, Bind};
    use super::SqliteStore;
    use crate::{FilterColumn, UserFilter};
    use cognate_model::{UserPoolId, UserStatus};

    /// Every ListUsers filter is answered by an index search, never a table scan.
    #[tokio::test]
    async fn every_filter_uses_an_index() {
        let store = SqliteStore::open_in_memory().await.unwrap();
        let pool = UserPoolId::new("us-east-1_abc");
        let cols = [
            FilterColumn::Username,
            FilterColumn::Email,
            FilterColumn::PhoneNumber,
            FilterColumn::Name,
            FilterColumn::GivenName,
            FilterColumn::FamilyName,
            FilterColumn::PreferredUsername,
            FilterColumn::Sub,
        ];
        let mut filters =
            vec![UserFilter::All, UserFilter::StatusIn(vec![UserStatus::Confirmed]), UserFilter::Enabled(false)];
        for c in cols {
            filters.push(UserFilter::Equals(c, "x".into()));
            filters.push(UserFilter::Prefix(c, "x".into()));
        }
        // Full rows, and (with the read cache) name keys only: those read the index alone.
        for (f, cols) in filters.iter().flat_map(|f| [(f, super::rows::USER_COLUMNS), (f, "username_key")]) {
            let (sql, binds, _) = list_query(&pool, f, None, 60, cols).unwrap();
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let mut q = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
            for b in binds {
                q = match b {
                    Bind::Text(t) => q.bind(t),
                    Bind::Int(i) => q.bind(i),
                    Bind::Bool(b) => q.bind(b),
                };
            }
            let plan: Vec<String> = q.fetch_all(&store.reader).await.unwrap().into_iter().map(|r| r.3).collect();
            let text = plan.join(" | ");
            assert!(text.contains("SEARCH users USING"), "{f:?}: {text}");
            assert!(!text.contains("SCAN users"), "{f:?}: {text}");
            if cols == "username_key" {
                assert!(text.contains("COVERING INDEX") || text.contains("PRIMARY KEY"), "{f:?}: {text}");
            }
        }
    }

    /// The inline reader (rusqlite) finds what the pool (sqlx) finds, for every kind of listing.
    #[tokio::test]
    async fn inline_reads_agree_with_the_pool() {
        use crate::{PoolStore, UserStore};
        let dir = tempfile::tempdir().unwrap();
        let store =
            SqliteStore::open(&dir.path().join("cognate.db")).await.unwrap().with_read_cache(Default::default());
        let pool = cognate_model::UserPool {
            id: UserPoolId::new("us-east-1_inline"),
            name: "p".into(),
            created_at: 1,
            updated_at: 1,
            settings: Default::default(),
        };
        store.create_pool(&pool).await.unwrap();
        for (i, email) in ["a1@x", "a2@x", "b@x", "a3@x"].iter().enumerate() {
            let attrs = vec![("email".to_string(), email.to_string())];
            let u = cognate_model::User::new(
                pool.id.clone(),
                format!("u{i}"),
                format!("u{i}"),
                format!("sub-{i}"),
                UserStatus::Confirmed,
                attrs,
                1,
            );
            store.create_user(&u, &[]).await.unwrap();
        }
        let filters = [
            UserFilter::All,
            UserFilter::Prefix(FilterColumn::Email, "a".into()),
            UserFilter::Equals(FilterColumn::Email, "b@x".into()),
            UserFilter::StatusIn(vec![UserStatus::Confirmed]),
            UserFilter::Enabled(true),
        ];
        for f in filters {
            for limit in [1, 2, 10] {
                let (sql, binds, sorted) = list_query(&pool.id, &f, None, limit, "username_key").unwrap();
                let inline = super::users::inline_keys(&store, &sql, &binds, sorted).expect("read inline");
                let mut q = sqlx::query_scalar::<_, String>(&sql);
                for b in &binds {
                    q = match b {
                        Bind::Text(t) => q.bind(t.clone()),
                        Bind::Int(i) => q.bind(*i),
                        Bind::Bool(b) => q.bind(*b),
                    };
                }
                let pooled = q.fetch_all(&store.reader).await.unwrap();
                assert_eq!(inline.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(), pooled, "{f:?} {limit}");
                assert!(!inline.is_empty());
            }
        }
    }

    #[test]
    fn successor() {
        assert_eq!(prefix_successor("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_successor("a\u{D7FF}").as_deref(), Some("a\u{E000}"));
        assert_eq!(prefix_successor("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_successor(""), None);
    }
}
