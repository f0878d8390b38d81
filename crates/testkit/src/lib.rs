//! Test fixtures: start the real `cognate` binary on a free port with a temp data dir, build
//! official AWS SDK clients for it, and send hand-signed (or deliberately broken) requests.

pub mod browser;
pub mod lambda;
mod sinks;
pub mod srp_client;
pub mod totp;
pub use sinks::{code_in, Mail, SmtpSink, WebhookSink};

use aws_sdk_cognitoidentityprovider::config::retry::RetryConfig;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The admin key the fixture configures.
pub const ACCESS_KEY: &str = "AKIACOGNATETEST00001";
/// Its secret.
pub const SECRET_KEY: &str = "cognate-test-secret-key-0123456789abcdef";
/// The region the fixture configures.
pub const REGION: &str = "us-east-1";

/// A running `cognate serve`.
pub struct TestServer {
    child: Option<Child>,
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    /// The data dir (kept alive with the server).
    pub data_dir: PathBuf,
    _tmp: Option<tempfile::TempDir>,
    bin: PathBuf,
    env: Vec<(String, String)>,
}

/// A raw HTTP answer.
pub struct RawResponse {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// Body parsed as JSON (`Null` if it is not JSON).
    pub json: serde_json::Value,
}

impl RawResponse {
    /// The `__type` of an error body.
    pub fn error_type(&self) -> &str {
        self.json["__type"].as_str().unwrap_or("")
    }
}

/// Which way to break a request's signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signing {
    /// No `Authorization` header.
    None,
    /// A correct signature.
    Valid,
    /// Signed, then the body changed.
    TamperedBody,
    /// Signed with a wrong secret.
    WrongSecret,
    /// Signed with an unknown access key.
    UnknownKey,
    /// Signed 20 minutes ago.
    Stale,
}

async fn spawn(bin: &Path, data_dir: &Path, env: &[(String, String)]) -> Result<(Child, String), String> {
    let mut cmd = Command::new(bin);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env("COGNATE_ADMIN_ACCESS_KEY_ID", ACCESS_KEY)
        .env("COGNATE_ADMIN_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("COGNATE_REGION", REGION)
        .env("COGNATE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let mut lines = BufReader::new(stdout).lines();
    let found = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(url) = line.strip_prefix("cognate listening on ") {
                return Some(url.trim().to_string());
            }
        }
        None
    })
    .await;
    match found {
        Ok(Some(url)) => {
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            tokio::spawn(async move {
                let mut sink = tokio::io::sink();
                let _ = tokio::io::copy(&mut stderr, &mut sink).await;
            });
            Ok((child, url))
        }
        _ => {
            let _ = child.kill().await;
            let mut err = String::new();
            let _ = tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut err).await;
            Err(err)
        }
    }
}

/// The PostgreSQL server the tests may use (`COGNATE_TEST_POSTGRES_URL`, an admin URL).
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("COGNATE_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty())
}

/// True when the integration suite runs on PostgreSQL (`COGNATE_TEST_BACKEND=postgres`).
pub fn on_postgres() -> bool {
    std::env::var("COGNATE_TEST_BACKEND").as_deref() == Ok("postgres")
}

/// A fresh PostgreSQL database for one test: its URL.
pub async fn scratch_database() -> String {
    let admin = postgres_admin_url().expect("COGNATE_TEST_POSTGRES_URL names a PostgreSQL server");
    cognate_store::postgres::create_scratch_database(&admin).await.expect("scratch database").0
}

impl TestServer {
    /// Starts `bin` with a fresh temp data dir (and, on the PostgreSQL backend, a fresh database).
    pub async fn start(bin: &str) -> Self {
        Self::start_with(bin, &[]).await
    }

    /// Starts `bin` with a fresh temp data dir and extra environment.
    pub async fn start_with(bin: &str, env: &[(&str, &str)]) -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let data_dir = tmp.path().to_path_buf();
        let mut env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if on_postgres() && !env.iter().any(|(k, _)| k == "COGNATE_DATABASE_URL") {
            env.push(("COGNATE_DATABASE_URL".into(), scratch_database().await));
        }
        let (child, endpoint) = spawn(Path::new(bin), &data_dir, &env).await.expect("cognate starts");
        Self { child: Some(child), endpoint, data_dir, _tmp: Some(tmp), bin: bin.into(), env }
    }

    /// Tries to start `bin` on `data_dir` with `env`; the error is what it printed.
    pub async fn try_start(bin: &str, data_dir: &Path, env: &[(&str, &str)]) -> Result<Self, String> {
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let (child, endpoint) = spawn(Path::new(bin), data_dir, &env).await?;
        Ok(Self { child: Some(child), endpoint, data_dir: data_dir.into(), _tmp: None, bin: bin.into(), env })
    }

    /// Tries to start another server on this one's data dir and database, with `env` added.
    pub async fn try_start_sibling(&self, env: &[(&str, &str)]) -> Result<Self, String> {
        let mut all = self.backend_env();
        all.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let (child, endpoint) = spawn(&self.bin, &self.data_dir, &all).await?;
        Ok(Self {
            child: Some(child),
            endpoint,
            data_dir: self.data_dir.clone(),
            _tmp: None,
            bin: self.bin.clone(),
            env: all,
        })
    }

    /// The environment that points a process at this server's database (empty on SQLite).
    pub fn backend_env(&self) -> Vec<(String, String)> {
        self.env.iter().filter(|(k, _)| k == "COGNATE_DATABASE_URL").cloned().collect()
    }

    /// Stops with SIGTERM and waits; returns whether it exited successfully.
    pub async fn stop(&mut self) -> bool {
        let Some(mut child) = self.child.take() else { return true };
        if let Some(pid) = child.id() {
            let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status().await;
        }
        match tokio::time::timeout(Duration::from_secs(20), child.wait()).await {
            Ok(Ok(status)) => status.success(),
            _ => {
                let _ = child.kill().await;
                false
            }
        }
    }

    /// Kills the process with SIGKILL (no shutdown at all) and reaps it.
    pub async fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
    }

    /// Stops and starts again on the same data dir (a new port).
    pub async fn restart(&mut self) {
        assert!(self.stop().await, "cognate exits cleanly on SIGTERM");
        let (child, endpoint) = spawn(&self.bin, &self.data_dir, &self.env).await.expect("cognate restarts");
        self.child = Some(child);
        self.endpoint = endpoint;
    }

    /// Starts again on the same data dir after [`TestServer::stop`].
    pub async fn restart_after_stop(&mut self) {
        let (child, endpoint) = spawn(&self.bin, &self.data_dir, &self.env).await.expect("cognate restarts");
        self.child = Some(child);
        self.endpoint = endpoint;
    }

    /// An official SDK client with the admin key (no retries, so errors surface).
    pub fn client(&self) -> aws_sdk_cognitoidentityprovider::Client {
        self.client_with(ACCESS_KEY, SECRET_KEY)
    }

    /// An official SDK client with the given key.
    pub fn client_with(&self, key: &str, secret: &str) -> aws_sdk_cognitoidentityprovider::Client {
        let conf = aws_sdk_cognitoidentityprovider::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(&self.endpoint)
            .credentials_provider(Credentials::new(key, secret, None, None, "cognate-testkit"))
            .retry_config(RetryConfig::disabled())
            .build();
        aws_sdk_cognitoidentityprovider::Client::from_conf(conf)
    }

    /// An official cognito-identity client signed with `creds` (key, secret, session token), or
    /// the admin key.
    pub fn identity_client(&self, creds: Option<(&str, &str, Option<&str>)>) -> aws_sdk_cognitoidentity::Client {
        identity_client_at(&self.endpoint, creds.unwrap_or((ACCESS_KEY, SECRET_KEY, None)))
    }

    /// An official STS client signed with `creds` (key, secret, session token), or the admin key.
    pub fn sts_client(&self, creds: Option<(&str, &str, Option<&str>)>) -> aws_sdk_sts::Client {
        sts_client_at(&self.endpoint, creds.unwrap_or((ACCESS_KEY, SECRET_KEY, None)))
    }

    /// Sends `body` to `X-Amz-Target: AWSCognitoIdentityProviderService.<op>` with the given signing.
    pub async fn raw(&self, op: &str, body: &[u8], signing: Signing) -> RawResponse {
        self.raw_target(&format!("AWSCognitoIdentityProviderService.{op}"), body, signing).await
    }

    /// Like [`TestServer::raw`] with a full target header.
    pub async fn raw_target(&self, target: &str, body: &[u8], signing: Signing) -> RawResponse {
        let host = self.endpoint.trim_start_matches("http://").to_string();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        let when = if signing == Signing::Stale { now - 20 * 60 } else { now };
        let amz_date = cognate_sigv4::format_amz_date(when);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("content-type", "application/x-amz-json-1.1".parse().unwrap());
        headers.insert("x-amz-target", target.parse().unwrap());
        headers.insert("x-amz-date", amz_date.parse().unwrap());
        if signing != Signing::None {
            let (key, secret) = match signing {
                Signing::WrongSecret => (ACCESS_KEY, "not-the-secret"),
                Signing::UnknownKey => ("AKIAUNKNOWN000000000", SECRET_KEY),
                _ => (ACCESS_KEY, SECRET_KEY),
            };
            let auth = sign(key, secret, "cognito-idp", &host, &headers, body, &amz_date);
            headers.insert("authorization", auth.parse().unwrap());
        }
        let body = if signing == Signing::TamperedBody {
            let mut b = body.to_vec();
            b.push(b' ');
            b
        } else {
            body.to_vec()
        };
        let resp = http_client()
            .post(format!("{}/", self.endpoint))
            .headers(headers)
            .body(body)
            .send()
            .await
            .expect("request sent");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap_or_default();
        RawResponse { status, headers, json: serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null) }
    }

    /// A plain HTTP client for non-RPC paths.
    pub fn http(&self) -> reqwest::Client {
        http_client()
    }
}

/// The `Authorization` header of a POST to `/` on `host` with `headers` (which must hold
/// `x-amz-date` = `amz_date`) and `body`, signing every header given plus `host`.
pub fn sign(
    key: &str,
    secret: &str,
    service: &str,
    host: &str,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
    amz_date: &str,
) -> String {
    let mut signed = http::HeaderMap::new();
    signed.insert("host", host.parse().unwrap());
    for (k, v) in headers.iter() {
        signed.insert(k.as_str().parse::<http::HeaderName>().unwrap(), v.to_str().unwrap().parse().unwrap());
    }
    let mut names: Vec<&str> = signed.keys().map(|k| k.as_str()).collect();
    names.sort_unstable();
    let req = cognate_sigv4::Request { method: "POST", path: "/", query: "", headers: &signed, body };
    let creq = cognate_sigv4::canonical_request(&req, &names, &cognate_sigv4::sha256_hex(body)).unwrap();
    let scope = format!("{}/{REGION}/{service}/aws4_request", &amz_date[..8]);
    let sts = cognate_sigv4::string_to_sign(amz_date, &scope, &creq);
    let sig = cognate_sigv4::signature(secret, &amz_date[..8], REGION, service, &sts);
    format!("AWS4-HMAC-SHA256 Credential={key}/{scope}, SignedHeaders={}, Signature={sig}", names.join(";"))
}

/// A plain HTTP client (rustls needs one process-wide crypto provider; install it first).
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    reqwest::Client::new()
}

/// A name unique to one test (pools and users never collide across tests).
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", &uuid::Uuid::new_v4().simple().to_string()[..10])
}

/// An official cognito-identity client for `endpoint`, signed with (key, secret, session token),
/// no retries.
pub fn identity_client_at(endpoint: &str, (k, s, t): (&str, &str, Option<&str>)) -> aws_sdk_cognitoidentity::Client {
    let conf = aws_sdk_cognitoidentity::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(k, s, t.map(String::from), None, "cognate-testkit"))
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_cognitoidentity::Client::from_conf(conf)
}

/// An official STS client for `endpoint`, signed with (key, secret, session token), no retries.
pub fn sts_client_at(endpoint: &str, (k, s, t): (&str, &str, Option<&str>)) -> aws_sdk_sts::Client {
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(k, s, t.map(String::from), None, "cognate-testkit"))
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_sts::Client::from_conf(conf)
}
