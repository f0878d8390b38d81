//! One typed configuration: defaults, then the TOML file, then `COGNATE_*` environment
//! variables (and `*_FILE` variants for secrets), then command-line flags.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A secret value: never printed.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    /// The value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// The TOML file's keys (all optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    region: Option<String>,
    public_url: Option<String>,
    account_id: Option<String>,
    admin_access_key_id: Option<String>,
    admin_secret_access_key: Option<Secret>,
    master_key: Option<Secret>,
    master_key_file: Option<PathBuf>,
    max_body_bytes: Option<usize>,
    hash_parallelism: Option<usize>,
    log: Option<String>,
    smtp_url: Option<Secret>,
    email_from: Option<String>,
    sms_webhook_url: Option<Secret>,
    database_url: Option<Secret>,
    database_max_connections: Option<u32>,
    database_acquire_timeout_secs: Option<u64>,
    key_reload_secs: Option<u32>,
    change_log_retention_days: Option<u32>,
    trusted_proxies: Option<String>,
    header_timeout_secs: Option<u64>,
    body_timeout_secs: Option<u64>,
    max_connections: Option<usize>,
    auth_domain: Option<String>,
    social_endpoints_file: Option<PathBuf>,
    metrics_token: Option<String>,
    lambda_endpoint: Option<String>,
    lambda_access_key_id: Option<String>,
    lambda_secret_access_key: Option<Secret>,
    lambda_timeout_ms: Option<u64>,
    lambda_max_in_flight: Option<usize>,
    lambda_invoke_by: Option<String>,
    sync_stream_sink: Option<String>,
    sync_push_webhook: Option<Secret>,
    code_encryption_key: Option<Secret>,
    breached_passwords_file: Option<PathBuf>,
    auth_event_retention_days: Option<u32>,
    public_rate_per_ip: Option<f64>,
    public_burst_per_ip: Option<f64>,
    geoip_db: Option<PathBuf>,
    ip_reputation_file: Option<PathBuf>,
    cache_users: Option<usize>,
    cache_pools: Option<usize>,
    cache_clients: Option<usize>,
    cache_traces: Option<usize>,
}

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// Data directory (SQLite database, generated keys, outbox).
    pub data_dir: PathBuf,
    /// Region of pool ids, ARNs and SigV4 scopes.
    pub region: String,
    /// Base URL clients use (the issuer prefix); `None` means `http://<listen>`.
    pub public_url: Option<String>,
    /// Account id in ARNs.
    pub account_id: String,
    /// Admin access key (id, secret) from the configuration, if given.
    pub admin_key: Option<(String, Secret)>,
    /// The master key (base64), if given directly.
    pub master_key: Option<Secret>,
    /// A file holding the master key, if given.
    pub master_key_file: Option<PathBuf>,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Concurrent password hashes.
    pub hash_parallelism: usize,
    /// Log filter (`info`, `cognate=debug`, ...).
    pub log: String,
    /// SMTP server for email (may carry credentials).
    pub smtp_url: Option<Secret>,
    /// Sender of emails.
    pub email_from: String,
    /// Webhook that sends SMS (may carry a token).
    pub sms_webhook_url: Option<Secret>,
    /// `postgres://…` for PostgreSQL (several nodes); none means SQLite in the data dir.
    pub database_url: Option<Secret>,
    /// PostgreSQL pool size per node.
    pub database_max_connections: u32,
    /// How long a request waits for a PostgreSQL connection.
    pub database_acquire_timeout_secs: u64,
    /// How often a node re-reads the signing keys (after a rotation elsewhere), in seconds.
    pub key_reload_secs: u32,
    /// How long the change log of user writes is kept: how far back a pool can be restored
    /// (point-in-time recovery), in days.
    pub change_log_retention_days: u32,
    /// Proxies (addresses or networks) whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<crate::client_ip::IpNet>,
    /// A request's headers must arrive within this many seconds (also the keep-alive idle limit).
    pub header_timeout_secs: u64,
    /// A request's body must arrive within this many seconds.
    pub body_timeout_secs: u64,
    /// Connections open at once; `None`: from the open-file limit.
    pub max_connections: Option<usize>,
    /// `COGNATE_AUTH_DOMAIN`: a request to `{prefix}.{auth_domain}` is for the pool whose
    /// prefix domain that is (as `{prefix}.auth.{region}.amazoncognito.com` on AWS).
    pub auth_domain: Option<String>,
    /// `COGNATE_SOCIAL_ENDPOINTS_FILE`: a TOML map of social provider name (`Google`,
    /// `Facebook`, `LoginWithAmazon`, `SignInWithApple`) to the endpoints that replace its
    /// public ones (`authorize_url`, `token_url`, `attributes_url`, `jwks_uri`, `oidc_issuer`).
    pub social_endpoints_file: Option<PathBuf>,
    /// `COGNATE_METRICS_TOKEN`: when set, `/metrics` wants `Authorization: Bearer {token}`.
    pub metrics_token: Option<Secret>,
    /// `COGNATE_LAMBDA_ENDPOINT`: where triggers are invoked (the Lambda Invoke API).
    pub lambda_endpoint: Option<String>,
    /// `COGNATE_LAMBDA_ACCESS_KEY_ID` and `_SECRET_ACCESS_KEY`: sign trigger calls (SigV4,
    /// service `lambda`).
    pub lambda_credentials: Option<(String, Secret)>,
    /// `COGNATE_LAMBDA_TIMEOUT_MS`: one invocation's time limit (Cognito's: 5,000).
    pub lambda_timeout_ms: u64,
    /// `COGNATE_LAMBDA_MAX_IN_FLIGHT`: trigger calls under way at once on this node.
    pub lambda_max_in_flight: usize,
    /// `COGNATE_LAMBDA_INVOKE_BY=name`: call `…/functions/{name}/…` with the function's name
    /// (what follows `function:` in the ARN) instead of the whole ARN (`arn`, the default).
    pub lambda_invoke_by_name: bool,
    /// `COGNATE_SYNC_STREAM_SINK`: where Cognito Streams records go (a directory of JSON Lines
    /// files, or an HTTP endpoint); default `{data_dir}/streams`.
    pub sync_stream_sink: Option<String>,
    /// `COGNATE_SYNC_PUSH_WEBHOOK`: where push-sync notifications are POSTed.
    pub sync_push_webhook: Option<Secret>,
    /// `COGNATE_CODE_ENCRYPTION_KEY` (32 bytes, standard base64): the raw AES key that wraps the
    /// codes the custom sender triggers get.
    pub code_encryption_key: Option<[u8; 32]>,
    /// `COGNATE_BREACHED_PASSWORDS_FILE`: SHA-1 hashes of breached passwords (the Pwned
    /// Passwords format), compiled into a filter in the data dir.
    pub breached_passwords_file: Option<PathBuf>,
    /// `COGNATE_AUTH_EVENT_RETENTION_DAYS`: how long threat protection's auth events are kept.
    pub auth_event_retention_days: u32,
    /// `COGNATE_PUBLIC_RATE_PER_IP`: requests a second one address may make to the public
    /// operations and the hosted UI's forms (0: no limit).
    pub public_rate_per_ip: f64,
    /// `COGNATE_PUBLIC_BURST_PER_IP`: how many of them at once.
    pub public_burst_per_ip: f64,
    /// `COGNATE_GEOIP_DB`: a MaxMind DB (city level) for threat protection's locations.
    pub geoip_db: Option<PathBuf>,
    /// `COGNATE_IP_REPUTATION_FILE`: addresses and networks known for abuse, one a line with an
    /// optional label (threat protection's `ip-reputation` signal); re-read when it changes.
    pub ip_reputation_file: Option<PathBuf>,
    /// `COGNATE_CACHE_USERS`, `COGNATE_CACHE_POOLS`, `COGNATE_CACHE_CLIENTS`,
    /// `COGNATE_CACHE_TRACES`: entries the read cache holds (0: that part off).
    pub cache: cognate_store::cache::CacheLimits,
}

fn env_number<T: std::str::FromStr>(name: &str, file: Option<T>, default: T) -> Result<T, String> {
    match env(name) {
        Some(v) => v.parse().map_err(|_| format!("{name} '{v}' is not a number")),
        None => Ok(file.unwrap_or(default)),
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn env_secret(name: &str) -> Result<Option<Secret>, String> {
    if let Some(v) = env(name) {
        return Ok(Some(Secret::new(v)));
    }
    match env(&format!("{name}_FILE")) {
        Some(path) => std::fs::read_to_string(&path)
            .map(|s| Some(Secret::new(s.trim())))
            .map_err(|e| format!("cannot read {name}_FILE ({path}): {e}")),
        None => Ok(None),
    }
}

/// A 32-byte key in standard base64.
fn code_key(b64: &str) -> Result<[u8; 32], String> {
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|_| "COGNATE_CODE_ENCRYPTION_KEY is not base64".to_string())?;
    raw.try_into().map_err(|_| "COGNATE_CODE_ENCRYPTION_KEY must be 32 bytes (base64 of 32 random bytes)".to_string())
}

fn is_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts.last().is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        && parts[1..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

impl Config {
    /// Loads the configuration; the error says what to fix.
    pub fn load(file: Option<PathBuf>, listen: Option<String>, data_dir: Option<PathBuf>) -> Result<Self, String> {
        let file = file.or_else(|| env("COGNATE_CONFIG").map(PathBuf::from));
        let f: FileConfig = match &file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let listen_s = listen.or(env("COGNATE_LISTEN")).or(f.listen).unwrap_or_else(|| "127.0.0.1:9229".into());
        let listen: SocketAddr = listen_s
            .parse()
            .map_err(|_| format!("listen address '{listen_s}' is not of the form IP:PORT (e.g. 127.0.0.1:9229)"))?;
        let region = env("COGNATE_REGION").or(f.region).unwrap_or_else(|| "us-east-1".into());
        if !is_region(&region) {
            return Err(format!(
                "region '{region}' does not look like an AWS region (e.g. us-east-1); clients parse it out of pool ids"
            ));
        }
        let public_url = env("COGNATE_PUBLIC_URL").or(f.public_url).map(|u| u.trim_end_matches('/').to_string());
        if let Some(u) = &public_url {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return Err(format!("COGNATE_PUBLIC_URL '{u}' must start with http:// or https://"));
            }
        }
        let key_id = env("COGNATE_ADMIN_ACCESS_KEY_ID").or(f.admin_access_key_id);
        let key_secret = env_secret("COGNATE_ADMIN_SECRET_ACCESS_KEY")?.or(f.admin_secret_access_key);
        let admin_key = match (key_id, key_secret) {
            (Some(id), Some(secret)) => Some((id, secret)),
            (None, None) => None,
            _ => {
                return Err("set both COGNATE_ADMIN_ACCESS_KEY_ID and COGNATE_ADMIN_SECRET_ACCESS_KEY, or neither \
                            (then a key pair is generated in the data dir)"
                    .into())
            }
        };
        let max_body_bytes = match env("COGNATE_MAX_BODY_BYTES") {
            Some(v) => v.parse().map_err(|_| format!("COGNATE_MAX_BODY_BYTES '{v}' is not a number"))?,
            None => f.max_body_bytes.unwrap_or(512 * 1024),
        };
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Ok(Self {
            listen,
            data_dir: data_dir
                .or(env("COGNATE_DATA_DIR").map(PathBuf::from))
                .or(f.data_dir)
                .unwrap_or_else(|| "cognate-data".into()),
            region,
            public_url,
            account_id: env("COGNATE_ACCOUNT_ID").or(f.account_id).unwrap_or_else(|| "000000000000".into()),
            admin_key,
            master_key: env("COGNATE_MASTER_KEY").map(Secret::new).or(f.master_key),
            master_key_file: env("COGNATE_MASTER_KEY_FILE").map(PathBuf::from).or(f.master_key_file),
            max_body_bytes,
            hash_parallelism: f.hash_parallelism.unwrap_or(cores),
            log: env("COGNATE_LOG").or(f.log).unwrap_or_else(|| "info".into()),
            smtp_url: env_secret("COGNATE_SMTP_URL")?.or(f.smtp_url),
            email_from: env("COGNATE_EMAIL_FROM")
                .or(f.email_from)
                .unwrap_or_else(|| "Cognate <no-reply@cognate.invalid>".into()),
            sms_webhook_url: env_secret("COGNATE_SMS_WEBHOOK_URL")?.or(f.sms_webhook_url),
            database_url: match env_secret("COGNATE_DATABASE_URL")?.or(f.database_url) {
                Some(u) if !(u.expose().starts_with("postgres://") || u.expose().starts_with("postgresql://")) => {
                    return Err("COGNATE_DATABASE_URL must be a postgres:// URL (leave it unset for SQLite)".into())
                }
                u => u,
            },
            database_max_connections: env_number("COGNATE_DATABASE_MAX_CONNECTIONS", f.database_max_connections, 16)?,
            database_acquire_timeout_secs: env_number(
                "COGNATE_DATABASE_ACQUIRE_TIMEOUT_SECS",
                f.database_acquire_timeout_secs,
                10,
            )?,
            key_reload_secs: env_number("COGNATE_KEY_RELOAD_SECS", f.key_reload_secs, 30)?,
            change_log_retention_days: env_number("COGNATE_CHANGE_LOG_RETENTION_DAYS", f.change_log_retention_days, 7)?
                .max(1),
            trusted_proxies: match env("COGNATE_TRUSTED_PROXIES").or(f.trusted_proxies) {
                Some(list) => {
                    crate::client_ip::parse_list(&list).map_err(|e| format!("COGNATE_TRUSTED_PROXIES: {e}"))?
                }
                None => vec![],
            },
            header_timeout_secs: env_number("COGNATE_HEADER_TIMEOUT_SECS", f.header_timeout_secs, 10)?.max(1),
            body_timeout_secs: env_number("COGNATE_BODY_TIMEOUT_SECS", f.body_timeout_secs, 10)?.max(1),
            max_connections: match env("COGNATE_MAX_CONNECTIONS") {
                Some(v) => Some(v.parse().map_err(|_| format!("COGNATE_MAX_CONNECTIONS '{v}' is not a number"))?),
                None => f.max_connections,
            },
            auth_domain: env("COGNATE_AUTH_DOMAIN").or(f.auth_domain),
            social_endpoints_file: env("COGNATE_SOCIAL_ENDPOINTS_FILE").map(PathBuf::from).or(f.social_endpoints_file),
            metrics_token: env("COGNATE_METRICS_TOKEN").or(f.metrics_token).filter(|t| !t.is_empty()).map(Secret::new),
            lambda_endpoint: env("COGNATE_LAMBDA_ENDPOINT")
                .or(f.lambda_endpoint)
                .filter(|e| !e.is_empty())
                .map(|e| e.trim_end_matches('/').to_string()),
            lambda_credentials: match (
                env("COGNATE_LAMBDA_ACCESS_KEY_ID").or(f.lambda_access_key_id),
                env_secret("COGNATE_LAMBDA_SECRET_ACCESS_KEY")?.or(f.lambda_secret_access_key),
            ) {
                (Some(k), Some(s)) => Some((k, s)),
                (None, None) => None,
                _ => {
                    return Err(
                        "set both COGNATE_LAMBDA_ACCESS_KEY_ID and COGNATE_LAMBDA_SECRET_ACCESS_KEY, or neither".into(),
                    )
                }
            },
            lambda_timeout_ms: env_number("COGNATE_LAMBDA_TIMEOUT_MS", f.lambda_timeout_ms, 5_000)?.clamp(1, 60_000),
            lambda_max_in_flight: env_number("COGNATE_LAMBDA_MAX_IN_FLIGHT", f.lambda_max_in_flight, 64)?.max(1),
            lambda_invoke_by_name: match env("COGNATE_LAMBDA_INVOKE_BY").or(f.lambda_invoke_by).as_deref() {
                None | Some("arn") => false,
                Some("name") => true,
                Some(other) => return Err(format!("COGNATE_LAMBDA_INVOKE_BY must be arn or name, not '{other}'")),
            },
            sync_stream_sink: env("COGNATE_SYNC_STREAM_SINK").or(f.sync_stream_sink),
            sync_push_webhook: env_secret("COGNATE_SYNC_PUSH_WEBHOOK")?.or(f.sync_push_webhook),
            code_encryption_key: match env_secret("COGNATE_CODE_ENCRYPTION_KEY")?.or(f.code_encryption_key) {
                Some(k) => Some(code_key(k.expose())?),
                None => None,
            },
            breached_passwords_file: env("COGNATE_BREACHED_PASSWORDS_FILE")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .or(f.breached_passwords_file),
            auth_event_retention_days: env_number(
                "COGNATE_AUTH_EVENT_RETENTION_DAYS",
                f.auth_event_retention_days,
                90,
            )?
            .max(1),
            public_rate_per_ip: env_number("COGNATE_PUBLIC_RATE_PER_IP", f.public_rate_per_ip, 50.0)?.max(0.0),
            public_burst_per_ip: env_number("COGNATE_PUBLIC_BURST_PER_IP", f.public_burst_per_ip, 100.0)?.max(1.0),
            geoip_db: env("COGNATE_GEOIP_DB").filter(|p| !p.is_empty()).map(PathBuf::from).or(f.geoip_db),
            ip_reputation_file: env("COGNATE_IP_REPUTATION_FILE")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .or(f.ip_reputation_file),
            cache: {
                let d = cognate_store::cache::CacheLimits::default();
                cognate_store::cache::CacheLimits {
                    users: env_number("COGNATE_CACHE_USERS", f.cache_users, d.users)?,
                    pools: env_number("COGNATE_CACHE_POOLS", f.cache_pools, d.pools)?,
                    clients: env_number("COGNATE_CACHE_CLIENTS", f.cache_clients, d.clients)?,
                    traces: env_number("COGNATE_CACHE_TRACES", f.cache_traces, d.traces)?,
                }
            },
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn regions() {
        for ok in ["us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-4"] {
            assert!(super::is_region(ok), "{ok}");
        }
        for bad in ["local", "us_east_1", "US-EAST-1", "us-east-x", "us-1"] {
            assert!(!super::is_region(bad), "{bad}");
        }
    }
}
