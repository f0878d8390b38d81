//! `cognate users import` and `cognate users export`: the operator's commands for moving users
//! in (a Cognito CSV, or a Cognate export that keeps passwords, TOTP and devices) and out, on
//! the same store and master key the server uses, with a progress line on stderr.

use crate::bootstrap;
use crate::config::Config;
use crate::serve::open_store;
use cognate_core::crypto::{check_master_key, MasterKey};
use cognate_core::outbox::FileOutbox;
use cognate_core::password::PasswordHasher;
use cognate_core::principal::AdminKeys;
use cognate_core::{Cognate, ServiceConfig};
use cognate_model::UserPoolId;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The service over the configured store, for an operator's command (no listener).
async fn operator_service(cfg: &Config) -> Result<Cognate, String> {
    if cfg.database_url.is_none() {
        bootstrap::data_dir(cfg)?;
    }
    let master = bootstrap::master_key(cfg)?;
    let store = open_store(cfg).await?;
    check_master_key(store.as_ref(), &master).await?;
    Cognate::start(
        store,
        master,
        PasswordHasher::new(cfg.hash_parallelism),
        Arc::new(FileOutbox::new(cfg.data_dir.join("outbox.jsonl"))),
        ServiceConfig {
            region: cfg.region.clone(),
            account_id: cfg.account_id.clone(),
            public_url: cfg.public_url.clone().unwrap_or_else(|| format!("http://{}", cfg.listen)),
            admin_keys: AdminKeys::new(Vec::<(String, String)>::new()),
            social_endpoints: Default::default(),
            change_log_retention_days: cfg.change_log_retention_days,
            lambda_timeout_ms: cfg.lambda_timeout_ms,
            code_encryption_key: cfg.code_encryption_key,
            auth_event_retention_days: cfg.auth_event_retention_days,
        },
    )
    .await
    .map_err(|e| format!("cannot start the service: {e}"))
}

/// The export key in `path`; `create` makes a new one there when the file does not exist.
fn export_key(path: &Path, create: bool) -> Result<MasterKey, String> {
    if create && !path.exists() {
        bootstrap::write_private(path, &format!("{}\n", cognate_core::crypto::generate_master_key_b64()))?;
        eprintln!("cognate: wrote a new export key to {}; the import needs it", path.display());
    }
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read the export key {}: {e}", path.display()))?;
    MasterKey::from_base64(&text).map_err(|e| format!("{e} (the export key in {})", path.display()))
}

/// A progress line on stderr, redrawn at most ten times a second.
struct Progress {
    started: Instant,
    last: Instant,
    what: &'static str,
}

impl Progress {
    fn new(what: &'static str) -> Self {
        let now = Instant::now();
        Self { started: now, last: now - std::time::Duration::from_secs(1), what }
    }

    fn show(&mut self, done: u64, total: Option<u64>, last: bool) {
        if !last && self.last.elapsed().as_millis() < 100 {
            return;
        }
        self.last = Instant::now();
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / secs;
        let line = match total {
            Some(t) if t > 0 => {
                let pct = done as f64 * 100.0 / t as f64;
                let filled = (pct / 5.0) as usize;
                format!(
                    "[{}{}] {pct:5.1}% {done}/{t} {}, {rate:.0}/s",
                    "#".repeat(filled.min(20)),
                    " ".repeat(20 - filled.min(20)),
                    self.what
                )
            }
            _ => format!("{done} {}, {rate:.0}/s", self.what),
        };
        eprint!("\r{line}");
        if last {
            eprintln!();
        }
        let _ = std::io::stderr().flush();
    }
}

/// `cognate users export --pool ID --key-file F [--out FILE]`.
pub async fn export(cfg: Config, pool: String, key_file: PathBuf, out: Option<PathBuf>) -> Result<String, String> {
    let key = export_key(&key_file, true)?;
    let svc = operator_service(&cfg).await?;
    let mut sink: Box<dyn Write + Send> = match &out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).map_err(|e| format!("cannot write {}: {e}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let mut bar = Progress::new("users");
    let n = svc
        .export_users(&UserPoolId::new(&pool), &key, &mut *sink, &mut |n| bar.show(n, None, false))
        .await
        .map_err(|e| e.to_string());
    drop(sink);
    svc.close().await;
    let n = n?;
    bar.show(n, None, true);
    let msg = format!("cognate: exported {n} users of {pool}");
    if out.is_none() {
        eprintln!("{msg}"); // stdout is the export
        return Ok(String::new());
    }
    Ok(msg)
}

/// `cognate users import FILE [--pool ID] [--key-file F] [--report FILE]`.
pub async fn import(
    cfg: Config,
    file: PathBuf,
    pool: Option<String>,
    key_file: Option<PathBuf>,
    report: Option<PathBuf>,
) -> Result<String, String> {
    let data = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let key = key_file.as_deref().map(|p| export_key(p, false)).transpose()?;
    let svc = operator_service(&cfg).await?;
    let mut bar = Progress::new("rows");
    let pool = pool.map(UserPoolId::new);
    let r = svc
        .import_users_file(pool.as_ref(), &data, key.as_ref(), &mut |done, total| bar.show(done, Some(total), false))
        .await
        .map_err(|e| e.to_string());
    svc.close().await;
    let r = r?;
    bar.show(r.imported + r.failed, Some(r.imported + r.failed), true);
    for f in r.failures.iter().take(20) {
        eprintln!("line {}: {}: {}", f.line, if f.username.is_empty() { "-" } else { &f.username }, f.reason);
    }
    if r.failures.len() > 20 {
        eprintln!("… and {} more", r.failures.len() - 20);
    }
    if let Some(path) = report {
        let mut w = csv::Writer::from_path(&path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        w.write_record(["line", "username", "reason"]).map_err(|e| e.to_string())?;
        for f in &r.failures {
            w.write_record([f.line.to_string(), f.username.clone(), f.reason.clone()]).map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())?;
    }
    let mut msg = format!("cognate: imported {} users into {}; {} rows refused", r.imported, r.pool_id, r.failed);
    if r.srp_dropped > 0 {
        msg += &format!(
            "; {} SRP verifiers dropped (the pool id differs from the export's: those users sign in with their password, and SRP works again after a password change)",
            r.srp_dropped
        );
    }
    Ok(msg)
}
