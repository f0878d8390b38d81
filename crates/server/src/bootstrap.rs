//! First-start and every-start work on the data dir: the master key and the admin key pair;
//! the social endpoints file.
//! Generated files are written with mode 0600 and their contents never reach the logs.

use crate::config::{Config, Secret};
use cognate_core::crypto::{generate_master_key_b64, MasterKey};
use cognate_model::ids::random_string;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

pub fn write_private(path: &Path, contents: &str) -> Result<(), String> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    f.write_all(contents.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Creates the data dir (mode 0700) if needed.
pub fn data_dir(cfg: &Config) -> Result<(), String> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(&cfg.data_dir).map_err(|e| format!("cannot create the data dir {}: {e}", cfg.data_dir.display()))
}

/// With the embedded SQLite store, one server per data dir: `serve` holds an exclusive lock on
/// `<data>/cognate.lock` while it runs (the kernel drops it when the process ends, even by
/// kill -9). The read cache relies on it: every update goes through this process. The CLI's
/// commands do not take it (`users import` only adds rows; `backup` only reads).
pub fn lock_data_dir(cfg: &Config) -> Result<Option<std::fs::File>, String> {
    if cfg.database_url.is_some() {
        return Ok(None);
    }
    let path = cfg.data_dir.join("cognate.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    #[cfg(unix)]
    match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => {}
        Err(rustix::io::Errno::WOULDBLOCK) => {
            return Err(format!(
                "another cognate server is serving the data dir {} (it holds {}); one server per SQLite data dir — for several nodes use PostgreSQL (COGNATE_DATABASE_URL)",
                cfg.data_dir.display(),
                path.display()
            ))
        }
        Err(e) => return Err(format!("cannot lock {}: {e}", path.display())),
    }
    Ok(Some(file))
}

/// The master key: `COGNATE_MASTER_KEY`, else `COGNATE_MASTER_KEY_FILE`, else `<data>/master.key`,
/// generated on the first start.
pub fn master_key(cfg: &Config) -> Result<MasterKey, String> {
    let (text, origin) = if let Some(k) = &cfg.master_key {
        (k.expose().to_string(), "COGNATE_MASTER_KEY".to_string())
    } else {
        let path = cfg.master_key_file.clone().unwrap_or_else(|| cfg.data_dir.join("master.key"));
        if !path.exists() && cfg.master_key_file.is_none() {
            write_private(&path, &format!("{}\n", generate_master_key_b64()))?;
            tracing::info!(path = %path.display(), "generated a new master key; back it up: without it, secrets in the store cannot be read");
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read the master key file {}: {e}", path.display()))?;
        (text, path.display().to_string())
    };
    MasterKey::from_base64(&text)
        .map_err(|e| format!("{e} (from {origin}); a master key is 32 random bytes in standard base64"))
}

/// The admin access keys: from the configuration, else `<data>/admin-credentials.env`,
/// generated on the first start.
pub fn admin_keys(cfg: &Config) -> Result<Vec<(String, Secret)>, String> {
    if let Some((id, secret)) = &cfg.admin_key {
        return Ok(vec![(id.clone(), secret.clone())]);
    }
    let path = cfg.data_dir.join("admin-credentials.env");
    if !path.exists() {
        let id = format!("AKIA{}", random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16));
        let secret = random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
        write_private(
            &path,
            &format!(
                "AWS_ACCESS_KEY_ID={id}\nAWS_SECRET_ACCESS_KEY={secret}\nAWS_REGION={r}\nAWS_DEFAULT_REGION={r}\n",
                r = cfg.region
            ),
        )?;
        println!(
            "cognate: generated an admin key pair in {p} (mode 0600). To use it with the AWS CLI or an SDK:\n  set -a; . {p}; set +a",
            p = path.display()
        );
    }
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let get = |k: &str| text.lines().find_map(|l| l.strip_prefix(k).map(|v| v.trim().to_string()));
    match (get("AWS_ACCESS_KEY_ID="), get("AWS_SECRET_ACCESS_KEY=")) {
        (Some(id), Some(secret)) if !id.is_empty() && !secret.is_empty() => Ok(vec![(id, Secret::new(secret))]),
        _ => Err(format!("{} lacks AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY; fix or delete it", path.display())),
    }
}

/// `COGNATE_SOCIAL_ENDPOINTS_FILE`: provider name → endpoint → URL.
pub fn social_endpoints(file: Option<&std::path::Path>) -> Result<BTreeMap<String, BTreeMap<String, String>>, String> {
    let Some(file) = file else { return Ok(BTreeMap::new()) };
    let text =
        std::fs::read_to_string(file).map_err(|e| format!("COGNATE_SOCIAL_ENDPOINTS_FILE {}: {e}", file.display()))?;
    let map: BTreeMap<String, BTreeMap<String, String>> =
        toml::from_str(&text).map_err(|e| format!("COGNATE_SOCIAL_ENDPOINTS_FILE {}: {e}", file.display()))?;
    const PROVIDERS: [&str; 4] = ["Google", "Facebook", "LoginWithAmazon", "SignInWithApple"];
    const KEYS: [&str; 5] = ["authorize_url", "token_url", "attributes_url", "jwks_uri", "oidc_issuer"];
    for (name, endpoints) in &map {
        if !PROVIDERS.contains(&name.as_str()) {
            return Err(format!("COGNATE_SOCIAL_ENDPOINTS_FILE: {name} is not a social provider ({PROVIDERS:?})"));
        }
        if let Some(k) = endpoints.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(format!("COGNATE_SOCIAL_ENDPOINTS_FILE: {name}.{k} is not one of {KEYS:?}"));
        }
    }
    Ok(map)
}
