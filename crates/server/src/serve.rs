//! Startup (store, keys, service, the APIs on the listener), the background sync, and
//! graceful shutdown; `cognate migrate` and `cognate keys rotate`.

use crate::bootstrap;
use crate::config::Config;
use crate::front_door::{FrontDoor, Registry};
use cognate_api_idp::IdpApi;
use cognate_core::crypto::check_master_key;
use cognate_core::outbox::FileOutbox;
use cognate_core::password::PasswordHasher;
use cognate_core::principal::AdminKeys;
use cognate_core::{Cognate, ServiceConfig};
use cognate_store::cache::CacheLimits;
use cognate_store::postgres::{PgOptions, PgStore};
use cognate_store::sqlite::SqliteStore;
use cognate_store::Store;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// The front door with every API this build serves.
pub fn front_door(svc: &Cognate, cfg: &Config) -> FrontDoor {
    FrontDoor {
        registry: Registry::new(
            &cfg.region,
            vec![
                Box::new(IdpApi::new(svc.clone())),
                Box::new(cognate_api_identity::IdentityApi::new(svc.clone())),
                Box::new(cognate_api_sts::StsApi::new(svc.clone())),
                Box::new(cognate_api_sync::SyncApi::new(svc.clone())),
            ],
        ),
        credentials: Arc::new(svc.clone()),
        max_body_bytes: cfg.max_body_bytes,
        body_timeout: std::time::Duration::from_secs(cfg.body_timeout_secs),
        trusted_proxies: cfg.trusted_proxies.clone(),
        rate: crate::rate_limit::RateLimiter::new(cfg.public_rate_per_ip, cfg.public_burst_per_ip),
    }
}

/// Starts the server and runs until SIGTERM/SIGINT; in-flight requests finish and the store is
/// closed before it returns.
pub async fn serve(cfg: Config) -> Result<(), String> {
    let started = std::time::Instant::now();
    bootstrap::data_dir(&cfg)?;
    let _lock = bootstrap::lock_data_dir(&cfg)?;
    let master = bootstrap::master_key(&cfg)?;
    let keys = bootstrap::admin_keys(&cfg)?;
    let store = open_store_cached(&cfg, cfg.cache).await?;
    check_master_key(store.as_ref(), &master).await?;
    let listener =
        tokio::net::TcpListener::bind(cfg.listen).await.map_err(|e| format!("cannot listen on {}: {e}", cfg.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let public_url = cfg.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let svc = Cognate::start(
        store,
        master,
        PasswordHasher::new(cfg.hash_parallelism),
        Arc::new(crate::delivery::Delivery::new(
            cfg.smtp_url.as_ref().map(|s| s.expose()),
            &cfg.email_from,
            cfg.sms_webhook_url.as_ref().map(|s| s.expose()),
            FileOutbox::new(cfg.data_dir.join("outbox.jsonl")),
        )?),
        ServiceConfig {
            region: cfg.region.clone(),
            account_id: cfg.account_id.clone(),
            public_url: public_url.clone(),
            admin_keys: AdminKeys::new(keys.into_iter().map(|(id, s)| (id, s.expose().to_string()))),
            social_endpoints: bootstrap::social_endpoints(cfg.social_endpoints_file.as_deref())?,
            change_log_retention_days: cfg.change_log_retention_days,
            lambda_timeout_ms: cfg.lambda_timeout_ms,
            code_encryption_key: cfg.code_encryption_key,
            auth_event_retention_days: cfg.auth_event_retention_days,
        },
    )
    .await
    .map_err(|e| format!("cannot start the service: {e}"))?
    .with_outbound(Arc::new(crate::outbound::HttpOutbound::new()?));
    let svc = match &cfg.lambda_endpoint {
        Some(endpoint) => svc.with_invoker(Arc::new(
            crate::lambda::LambdaInvoker::new(
                endpoint,
                &cfg.region,
                cfg.lambda_credentials.as_ref().map(|(k, s)| (k.clone(), s.expose().to_string())),
                cfg.lambda_max_in_flight,
                cfg.lambda_timeout_ms,
            )?
            .by_name(cfg.lambda_invoke_by_name),
        )),
        None => svc,
    };
    let streams = match &cfg.sync_stream_sink {
        Some(s) => s.clone(),
        None => cfg.data_dir.join("streams").to_string_lossy().into_owned(),
    };
    let push = cfg.sync_push_webhook.as_ref().map(|s| s.expose().to_string());
    let svc = svc.with_sync_sink(Arc::new(crate::sync_sink::Sink::new(&streams, push)?));
    let svc = svc.with_breached(Arc::new(breached_lists(&cfg)?));
    let svc = match &cfg.geoip_db {
        Some(path) => svc.with_locator(Arc::new(crate::geoip::GeoIp::open(path)?)),
        None => svc,
    };
    if let Some(path) = &cfg.ip_reputation_file {
        crate::reputation::watch(path.clone(), &svc)?;
    }
    let sync = tokio::spawn(sync_loop(svc.clone(), cfg.key_reload_secs));
    let door = Arc::new(front_door(&svc, &cfg));
    let ui = Arc::new(crate::hosted::Hosted::new(&svc, &public_url, cfg.auth_domain.clone(), door.clone()));
    let app =
        crate::routes::app(svc.clone(), door.clone(), ui, cfg.metrics_token.as_ref().map(|t| t.expose().to_string()));
    tracing::info!(%addr, %public_url, data_dir = %cfg.data_dir.display(), region = %cfg.region, ms = started.elapsed().as_millis() as u64, "ready");
    println!("cognate listening on http://{addr}");
    let _ = std::io::stdout().flush();
    let files = crate::listener::raise_file_limit();
    let limits = crate::listener::Limits {
        header_timeout: std::time::Duration::from_secs(cfg.header_timeout_secs),
        // Leave descriptors for the database, the data dir and outbound calls.
        max_connections: cfg.max_connections.unwrap_or_else(|| (files.saturating_sub(128) as usize).clamp(64, 16_384)),
        max_headers: 2 * crate::front_door::MAX_HEADERS,
        shutdown_grace: std::time::Duration::from_secs(30),
    };
    tracing::info!(max_connections = limits.max_connections, open_files = files, "connection limits");
    crate::listener::serve(listener, app, limits, shutdown_signal()).await;
    sync.abort();
    door.registry.log_summary();
    tracing::info!("shutting down: closing the store");
    svc.close().await;
    Ok(())
}

/// `cognate keys rotate`: opens the store with the same checks as `serve` and adds a key.
pub async fn rotate_keys(cfg: Config, activate_in_secs: u64) -> Result<String, String> {
    let master = bootstrap::master_key(&cfg)?;
    let db = cfg.data_dir.join("cognate.db");
    if cfg.database_url.is_none() && !db.exists() {
        return Err(format!("no database at {}; start the server once first", db.display()));
    }
    let store = open_store(&cfg).await?;
    check_master_key(store.as_ref(), &master).await?;
    let kid = cognate_core::tokens::keys::rotate(store.as_ref(), &master, activate_in_secs as i64 * 1000)
        .await
        .map_err(|e| e.to_string())?;
    store.close().await;
    Ok(kid)
}

/// Opens the configured store and runs pending migrations: PostgreSQL when
/// `COGNATE_DATABASE_URL` is set, else SQLite in the data dir.
pub async fn open_store(cfg: &Config) -> Result<Arc<dyn Store>, String> {
    open_store_cached(cfg, CacheLimits::OFF).await
}

/// [`open_store`] with the read cache (`serve` only: see `cognate_store::cache` for why).
async fn open_store_cached(cfg: &Config, cache: CacheLimits) -> Result<Arc<dyn Store>, String> {
    match &cfg.database_url {
        Some(url) => {
            let opts = PgOptions {
                max_connections: cfg.database_max_connections,
                acquire_timeout: std::time::Duration::from_secs(cfg.database_acquire_timeout_secs),
                ..PgOptions::default()
            };
            let store = PgStore::connect(url.expose(), &opts)
                .await
                .map_err(|e| format!("cannot open the PostgreSQL database: {e}"))?;
            Ok(Arc::new(store.with_read_cache(cache)))
        }
        None => {
            let db = cfg.data_dir.join("cognate.db");
            let store =
                SqliteStore::open(&db).await.map_err(|e| format!("cannot open the database {}: {e}", db.display()))?;
            Ok(Arc::new(store.with_read_cache(cache)))
        }
    }
}

/// `cognate migrate`: applies pending migrations and exits.
pub async fn migrate(cfg: Config) -> Result<(), String> {
    if cfg.database_url.is_none() {
        bootstrap::data_dir(&cfg)?;
    }
    let store = open_store(&cfg).await?;
    store.close().await;
    Ok(())
}

/// `cognate usage`: the monthly active users table, of one pool and/or month.
pub async fn usage(cfg: Config, pool: Option<String>, month: Option<String>) -> Result<String, String> {
    if cfg.database_url.is_none() {
        bootstrap::data_dir(&cfg)?;
    }
    let store = open_store(&cfg).await?;
    let rows = store.active_users(pool.as_deref(), month.as_deref()).await.map_err(|e| e.to_string());
    store.close().await;
    let mut out = format!("{:<8} {:<40} {:>12} {:>12} {:>12}\n", "month", "pool", "users", "federated", "total");
    for r in rows? {
        out.push_str(&format!(
            "{:<8} {:<40} {:>12} {:>12} {:>12}\n",
            r.month,
            r.pool_id,
            r.users,
            r.federated,
            r.users + r.federated
        ));
    }
    Ok(out)
}

/// The pg_dump recipe a PostgreSQL deployment backs up with.
const PG_RECIPE: &str = "On PostgreSQL, use its tools: `pg_dump --format=custom --file=cognate.dump \"$COGNATE_DATABASE_URL\"` (a consistent snapshot while nodes keep serving), and `pg_restore --clean --if-exists --dbname=\"$COGNATE_DATABASE_URL\" cognate.dump` with every node stopped; the master key is not in the database: keep it apart";

/// `cognate backup OUT`: a consistent copy of the SQLite database of a running (or stopped)
/// server. It holds the master-key check, not the key: restore needs the same key.
pub async fn backup(cfg: Config, out: PathBuf) -> Result<String, String> {
    if cfg.database_url.is_some() {
        return Err(PG_RECIPE.into());
    }
    let db = cfg.data_dir.join("cognate.db");
    if !db.exists() {
        return Err(format!("there is no database at {}", db.display()));
    }
    cognate_store::sqlite::backup_file(&db, &out).await.map_err(|e| format!("backup failed: {e}"))?;
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    Ok(format!("cognate: backed up {} to {} ({size} bytes); keep the master key apart", db.display(), out.display()))
}

/// `cognate restore BACKUP`: replaces the data dir's database with a backup, once the backup
/// has been checked against this configuration's master key. The server must be stopped.
pub async fn restore(cfg: Config, from: PathBuf) -> Result<String, String> {
    if cfg.database_url.is_some() {
        return Err(PG_RECIPE.into());
    }
    bootstrap::data_dir(&cfg)?;
    let db = cfg.data_dir.join("cognate.db");
    let wal = cfg.data_dir.join("cognate.db-wal");
    if wal.exists() {
        return Err(format!(
            "{} exists: a server is running on this data dir (or did not stop cleanly; start and stop it once); stop it first",
            wal.display()
        ));
    }
    let has_key = cfg.master_key.is_some() || cfg.master_key_file.is_some() || cfg.data_dir.join("master.key").exists();
    if !has_key {
        return Err("no master key: put the backup's master.key in the data dir, or set COGNATE_MASTER_KEY".into());
    }
    let master = bootstrap::master_key(&cfg)?;
    // Check the copy before anything is replaced: its master-key check must open with this key.
    let staged = cfg.data_dir.join("cognate.db.restoring");
    let _ = std::fs::remove_file(&staged);
    std::fs::copy(&from, &staged).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    let checked = async {
        let store = SqliteStore::open(&staged)
            .await
            .map_err(|e| format!("{} is not a Cognate database: {e}", from.display()))?;
        let r = check_master_key(&store, &master).await;
        store.close().await;
        r
    }
    .await;
    if let Err(e) = checked {
        let _ = std::fs::remove_file(&staged);
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(cfg.data_dir.join(format!("cognate.db.restoring{suffix}")));
        }
        return Err(format!("the backup does not match this master key: {e}"));
    }
    std::fs::File::open(&staged).and_then(|f| f.sync_all()).map_err(|e| e.to_string())?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(cfg.data_dir.join(format!("cognate.db.restoring{suffix}")));
        let _ = std::fs::remove_file(cfg.data_dir.join(format!("cognate.db{suffix}")));
    }
    std::fs::rename(&staged, &db).map_err(|e| format!("cannot put the database in place: {e}"))?;
    Ok(format!("cognate: restored {} from {}", db.display(), from.display()))
}

/// How often a node reads revocations made elsewhere: the bound on how stale it can be.
pub const REVOCATION_POLL: std::time::Duration = std::time::Duration::from_secs(1);
/// Every this many polls a node also sweeps the last five minutes of revocations (ids that
/// committed out of order on a multi-writer database): their staleness bound.
pub const SWEEP_EVERY: u32 = 5;
/// Every this many polls (a minute) a node prunes the change log and takes over import jobs a
/// stopped node left running.
pub const HOUSEKEEPING_EVERY: u32 = 60;

async fn sync_loop(svc: Cognate, key_reload_every: u32) {
    let mut tick: u32 = 0;
    let mut interval = tokio::time::interval(REVOCATION_POLL);
    loop {
        interval.tick().await;
        tick = tick.wrapping_add(1);
        if let Err(e) = svc.sync(tick % key_reload_every.max(1) == 0, tick % SWEEP_EVERY == 0).await {
            tracing::warn!(error = %e, "background sync failed; will retry");
        }
        if tick % HOUSEKEEPING_EVERY == 0 {
            if let Err(e) = svc.housekeeping().await {
                tracing::warn!(error = %e, "housekeeping failed; will retry");
            }
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// The compromised-password lists: the built-in one, and the operator's compiled into a filter
/// in the data dir (once per version of the file; a billion hashes take minutes to compile and
/// seconds to read back).
fn breached_lists(cfg: &Config) -> Result<cognate_breach::Breached, String> {
    let builtin = cognate_breach::Breached::builtin();
    let Some(path) = &cfg.breached_passwords_file else { return Ok(builtin) };
    let started = std::time::Instant::now();
    let (filter, compiled) = cognate_breach::HashFilter::load_or_build(path, &cfg.data_dir)
        .map_err(|e| format!("COGNATE_BREACHED_PASSWORDS_FILE {}: {e}", path.display()))?;
    tracing::info!(
        file = %path.display(),
        entries = filter.entries(),
        bytes = filter.bytes(),
        compiled,
        ms = started.elapsed().as_millis() as u64,
        "breached-password list loaded"
    );
    Ok(builtin.with_list(filter))
}
