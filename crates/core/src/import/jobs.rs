//! User import jobs: CreateUserImportJob hands out an upload URL on Cognate's own listener
//! (valid 15 minutes, one upload), StartUserImportJob runs the job in the background on this
//! node, writing its progress to the store after every batch, so DescribeUserImportJob on any
//! node shows it and StopUserImportJob on any node stops it. A job a stopped node left
//! unfinished is taken over by another node ([`Cognate::resume_import_jobs`]).

use super::rows::{columns, user_of_row, Batch};
use crate::error::pool_not_found;
use crate::views::AdminView;
use crate::{Cognate, CoreError, CoreResult};
use cognate_model::{now_millis, UserPoolId};
use cognate_store::{PoolJob, StoreError};
use serde::{Deserialize, Serialize};

/// How long the upload URL is valid.
pub const UPLOAD_VALIDITY_MS: i64 = 15 * 60 * 1000;
/// A job not started this long after its creation has expired (Cognito: 24 to 48 hours).
pub const START_WINDOW_MS: i64 = 24 * 3600 * 1000;
/// The largest upload (Cognito: 100 MB).
pub const MAX_UPLOAD_BYTES: usize = 100 * 1024 * 1024;
/// Rows inserted in one transaction.
pub const BATCH: usize = 1000;
/// The most refused rows the job keeps (every one is logged).
const REPORT_ROWS: usize = 1000;
/// A running job whose node has not written progress for this long is taken over.
const STALE_MS: i64 = 60_000;
const KIND: &str = "import";

/// Where an import job stands (Cognito's `UserImportJobStatusType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportStatus {
    Created,
    Pending,
    InProgress,
    Stopping,
    Expired,
    Stopped,
    Failed,
    Succeeded,
}

impl ImportStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "Created",
            Self::Pending => "Pending",
            Self::InProgress => "InProgress",
            Self::Stopping => "Stopping",
            Self::Expired => "Expired",
            Self::Stopped => "Stopped",
            Self::Failed => "Failed",
            Self::Succeeded => "Succeeded",
        }
    }
}

/// A refused row: its line in the file, the name it carried and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowFailure {
    pub line: u64,
    pub username: String,
    pub reason: String,
}

/// An import job as the service keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportJob {
    #[serde(skip)]
    pub pool_id: String,
    #[serde(skip)]
    pub job_id: String,
    #[serde(skip)]
    version: i64,
    pub job_name: String,
    pub status: ImportStatus,
    pub cloud_watch_logs_role_arn: String,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub completion_message: Option<String>,
    pub imported: i64,
    pub skipped: i64,
    pub failed: i64,
    /// The upload URL (its token is a keyed hash of the job: nothing secret is stored).
    pub pre_signed_url: String,
    pub uploaded: bool,
    /// The last line of the file whose row is accounted for (a resumed job goes on after it).
    pub done_line: u64,
    /// When the running node last wrote progress.
    pub heartbeat_at: i64,
    /// The first refused rows.
    pub report: Vec<RowFailure>,
}

impl ImportJob {
    fn from_stored(j: &PoolJob) -> CoreResult<Self> {
        let mut job: ImportJob = serde_json::from_str(&j.document)
            .map_err(|e| CoreError::Internal(format!("import job {}: {e}", j.job_id)))?;
        job.pool_id = j.pool_id.as_str().to_string();
        job.job_id = j.job_id.clone();
        job.version = j.version;
        Ok(job)
    }

    fn stored(&self) -> PoolJob {
        PoolJob {
            pool_id: UserPoolId::new(&self.pool_id),
            job_id: self.job_id.clone(),
            kind: KIND.into(),
            created_at: self.created_at,
            version: self.version,
            document: serde_json::to_string(self).expect("a job serializes"),
        }
    }

    /// The status as a reader sees it now: a job never started within its window expired.
    pub fn status_now(&self, now: i64) -> ImportStatus {
        if self.status == ImportStatus::Created && now > self.created_at + START_WINDOW_MS {
            ImportStatus::Expired
        } else {
            self.status
        }
    }

    fn fail(&mut self, message: String) {
        self.status = ImportStatus::Failed;
        self.completion_message = Some(message);
        self.completed_at = Some(now_millis());
    }
}

fn job_not_found(job_id: &str) -> CoreError {
    CoreError::ResourceNotFound(format!("Import job not found: {job_id}"))
}

impl Cognate {
    fn upload_token(&self, pool_id: &str, job_id: &str, created_at: i64) -> String {
        self.master.keyed_hash("import-upload", &format!("{pool_id}/{job_id}/{created_at}"))
    }

    async fn load_import(&self, pool_id: &UserPoolId, job_id: &str) -> CoreResult<ImportJob> {
        match self.store.get_job(pool_id, job_id).await? {
            Some(j) if j.kind == KIND => ImportJob::from_stored(&j),
            _ => Err(job_not_found(job_id)),
        }
    }

    /// Writes `job` if nobody moved it meanwhile; `false` when somebody did.
    async fn save_import(&self, job: &mut ImportJob) -> CoreResult<bool> {
        if self.store.update_job(&job.stored()).await? {
            job.version += 1;
            return Ok(true);
        }
        Ok(false)
    }

    /// Receives the file of an import job at its upload URL: once, within 15 minutes, with the
    /// token of the URL. Errors: NotAuthorized (a wrong token, or the URL expired or used),
    /// ResourceNotFound, InvalidParameter (too large).
    pub async fn receive_import_upload(&self, pool_id: &str, job_id: &str, token: &str, body: &[u8]) -> CoreResult<()> {
        use subtle::ConstantTimeEq;
        let pool = UserPoolId::new(pool_id);
        let mut job = self.load_import(&pool, job_id).await?;
        let expected = self.upload_token(pool_id, job_id, job.created_at);
        if !bool::from(expected.as_bytes().ct_eq(token.as_bytes())) {
            return Err(CoreError::NotAuthorized("The upload URL is not valid.".into()));
        }
        if job.uploaded || job.status != ImportStatus::Created || now_millis() > job.created_at + UPLOAD_VALIDITY_MS {
            return Err(CoreError::NotAuthorized("The upload URL has expired or was already used.".into()));
        }
        if body.len() > MAX_UPLOAD_BYTES {
            return Err(CoreError::InvalidParameter("The file is larger than 100 MB.".into()));
        }
        self.store.put_job_upload(&pool, job_id, Some(body)).await?;
        job.uploaded = true;
        if !self.save_import(&mut job).await? {
            return Err(CoreError::NotAuthorized("The upload URL has expired or was already used.".into()));
        }
        Ok(())
    }

    /// Runs an import job from where it stands until it ends or is stopped.
    pub(crate) async fn run_import(&self, pool_id: UserPoolId, job_id: String) {
        if let Err(e) = self.import_rows(&pool_id, &job_id).await {
            tracing::error!(pool = %pool_id, job = %job_id, error = %e, "import job failed");
            if let Ok(mut job) = self.load_import(&pool_id, &job_id).await {
                job.fail("The import stopped on an internal error; see the server's log.".into());
                let _ = self.save_import(&mut job).await;
            }
        }
    }

    async fn import_rows(&self, pool_id: &UserPoolId, job_id: &str) -> CoreResult<()> {
        let Some(pool) = self.store.get_pool(pool_id).await? else {
            let mut job = self.load_import(pool_id, job_id).await?;
            job.fail("The user pool no longer exists.".into());
            self.save_import(&mut job).await?;
            return Ok(());
        };
        let data = self.store.job_upload(pool_id, job_id).await?.unwrap_or_default();
        let mut job = loop {
            let mut job = self.load_import(pool_id, job_id).await?;
            match job.status {
                ImportStatus::Stopping => {
                    // Stopped before it began: nothing is imported.
                    let rows = csv::ReaderBuilder::new().flexible(true).from_reader(data.as_slice()).records().count();
                    job.skipped = rows as i64;
                    job.status = ImportStatus::Stopped;
                    job.completed_at = Some(now_millis());
                    job.completion_message = Some("Import job stopped.".into());
                    if self.save_import(&mut job).await? {
                        return self.finish_import(pool_id, job_id).await;
                    }
                    continue;
                }
                ImportStatus::Pending | ImportStatus::InProgress => {}
                _ => return Ok(()),
            }
            job.status = ImportStatus::InProgress;
            job.heartbeat_at = now_millis();
            if job.started_at.is_none() {
                job.started_at = Some(now_millis());
            }
            if self.save_import(&mut job).await? {
                break job;
            }
        };
        let log = LogTarget { pool: pool_id.as_str(), job: job_id, role: &job.cloud_watch_logs_role_arn.clone() };
        let header = super::header_of(&pool);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(data.as_slice());
        let cols = match reader.headers().map_err(|e| e.to_string()).and_then(|h| columns(&header, h)) {
            Ok(c) => c,
            Err(message) => {
                log.refused(1, "", &message);
                job.fail(message);
                self.save_import(&mut job).await?;
                return self.finish_import(pool_id, job_id).await;
            }
        };
        let mut records = reader.records();
        let mut batch = Batch::default();
        let mut last_line = job.done_line;
        loop {
            let next = records.next();
            let end = next.is_none();
            if let Some(rec) = next {
                let (line, outcome) = match rec {
                    Ok(rec) => {
                        let line = rec.position().map(|p| p.line()).unwrap_or(0);
                        (line, Some(rec))
                    }
                    Err(e) => (e.position().map(|p| p.line()).unwrap_or(last_line + 1), None),
                };
                last_line = line;
                if line <= job.done_line {
                    continue;
                }
                match outcome.map(|rec| (user_of_row(&pool, &cols, &rec, now_millis()), rec)) {
                    Some((Ok((user, keys)), _)) => batch.push(line, user, keys),
                    Some((Err(reason), rec)) => {
                        let name = rec.get(cols.username).unwrap_or("").to_string();
                        job.note_failure(&log, line, &name, &reason);
                    }
                    None => job.note_failure(&log, line, "", "The row is not valid CSV."),
                }
            }
            if batch.len() >= BATCH || (end && !batch.is_empty()) || (end && last_line > job.done_line) {
                let results = self.store.create_users(&batch.users).await?;
                for ((line, (user, _)), r) in batch.lines.iter().zip(&batch.users).zip(results) {
                    match r {
                        Ok(()) => job.imported += 1,
                        Err(StoreError::Conflict(k)) => {
                            job.note_failure(&log, *line, &user.username, &conflict_reason(&k))
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                batch.clear();
                job.done_line = last_line;
                job.heartbeat_at = now_millis();
                if !self.save_import(&mut job).await? {
                    // Stopped meanwhile (or taken over): keep the counts, honour the stop.
                    let mut now = self.load_import(pool_id, job_id).await?;
                    if now.status != ImportStatus::Stopping {
                        return Ok(());
                    }
                    now.imported = job.imported;
                    now.failed = job.failed;
                    now.report = std::mem::take(&mut job.report);
                    now.done_line = job.done_line;
                    job = now;
                }
                if job.status == ImportStatus::Stopping {
                    let rest = records.count() as i64;
                    job.skipped += rest;
                    job.status = ImportStatus::Stopped;
                    job.completed_at = Some(now_millis());
                    job.completion_message = Some("Import job stopped.".into());
                    self.save_import(&mut job).await?;
                    tracing::info!(target: "cognate::import", pool = log.pool, job = log.job, skipped = rest, "import job stopped");
                    return self.finish_import(pool_id, job_id).await;
                }
            }
            if end {
                break;
            }
        }
        job.status = ImportStatus::Succeeded;
        job.completed_at = Some(now_millis());
        job.completion_message = Some(if job.failed == 0 {
            "Import Job Completed Successfully.".into()
        } else {
            format!("Import job completed; {} users failed (see the job's report).", job.failed)
        });
        while !self.save_import(&mut job).await? {
            let now = self.load_import(pool_id, job_id).await?;
            job.version = now.version;
        }
        tracing::info!(target: "cognate::import", pool = log.pool, job = log.job, imported = job.imported, failed = job.failed, "import job succeeded");
        self.finish_import(pool_id, job_id).await
    }

    /// The upload is not needed once a job has ended.
    async fn finish_import(&self, pool_id: &UserPoolId, job_id: &str) -> CoreResult<()> {
        self.store.put_job_upload(pool_id, job_id, None).await?;
        Ok(())
    }

    /// Takes over the import jobs a stopped node left running (no progress for a minute) and
    /// ends the ones stopped meanwhile. Every node calls it now and then.
    pub async fn resume_import_jobs(&self) -> CoreResult<usize> {
        let now = now_millis();
        let mut resumed = 0;
        for stored in self.store.jobs_of_kind(KIND).await? {
            let mut job = ImportJob::from_stored(&stored)?;
            let running =
                matches!(job.status, ImportStatus::Pending | ImportStatus::InProgress | ImportStatus::Stopping);
            if !running || now - job.heartbeat_at < STALE_MS {
                continue;
            }
            job.heartbeat_at = now;
            if job.status == ImportStatus::Stopping {
                job.status = ImportStatus::Stopped;
                job.completed_at = Some(now);
            }
            if !self.save_import(&mut job).await? {
                continue; // another node took it
            }
            if job.status == ImportStatus::Stopped {
                self.finish_import(&stored.pool_id, &stored.job_id).await?;
                continue;
            }
            tracing::warn!(pool = %stored.pool_id, job = %stored.job_id, "taking over an import job a stopped node left running");
            let svc = self.clone();
            tokio::spawn(async move { svc.run_import(stored.pool_id, stored.job_id).await });
            resumed += 1;
        }
        Ok(resumed)
    }
}

/// Why the store refused a user: its name, or one of its sign-in keys, is taken.
pub(crate) fn conflict_reason(key: &str) -> String {
    if key == "username" {
        "User already exists".to_string()
    } else {
        format!("An account with the given {} already exists", key.split(':').next().unwrap_or(key))
    }
}

/// The job's log lines (Cognito writes them to CloudWatch Logs with the job's role; Cognate
/// writes them to its own log, target `cognate::import`).
struct LogTarget<'a> {
    pool: &'a str,
    job: &'a str,
    role: &'a str,
}

impl LogTarget<'_> {
    fn refused(&self, line: u64, username: &str, reason: &str) {
        tracing::warn!(target: "cognate::import", pool = self.pool, job = self.job, role = self.role, line, username, reason, "import row refused");
    }
}

impl ImportJob {
    fn note_failure(&mut self, log: &LogTarget<'_>, line: u64, username: &str, reason: &str) {
        log.refused(line, username, reason);
        self.failed += 1;
        if self.report.len() < REPORT_ROWS {
            self.report.push(RowFailure { line, username: username.to_string(), reason: reason.to_string() });
        }
    }
}

impl AdminView<'_> {
    /// CreateUserImportJob. Errors: ResourceNotFound (pool), InvalidParameter.
    pub async fn create_import_job(
        &self,
        pool_id: &UserPoolId,
        job_name: &str,
        role_arn: &str,
        password_hashing: Option<&str>,
    ) -> CoreResult<ImportJob> {
        self.pool(pool_id).await?;
        if let Some(alg) = password_hashing {
            return Err(CoreError::InvalidParameter(format!(
                "PasswordHashingAlgorithm {alg} is not supported: the CSV import creates users without passwords \
                 (RESET_REQUIRED); `cognate users import` keeps the password hashes of a Cognate export."
            )));
        }
        let now = now_millis();
        let job_id = format!(
            "import-{}",
            cognate_model::ids::random_string(b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 10)
        );
        let token = self.upload_token(pool_id.as_str(), &job_id, now);
        let url = format!(
            "{}/_import/{}/{}?token={token}",
            self.config.public_url.trim_end_matches('/'),
            pool_id.as_str(),
            job_id
        );
        let mut job = ImportJob {
            pool_id: pool_id.as_str().to_string(),
            job_id,
            version: 1,
            job_name: job_name.to_string(),
            status: ImportStatus::Created,
            cloud_watch_logs_role_arn: role_arn.to_string(),
            created_at: now,
            started_at: None,
            completed_at: None,
            completion_message: None,
            imported: 0,
            skipped: 0,
            failed: 0,
            pre_signed_url: url,
            uploaded: false,
            done_line: 0,
            heartbeat_at: now,
            report: vec![],
        };
        self.store.create_job(&job.stored()).await.map_err(|e| match e {
            StoreError::NotFound => pool_not_found(pool_id.as_str()),
            e => e.into(),
        })?;
        job.version = 1;
        Ok(job)
    }

    /// DescribeUserImportJob. Errors: ResourceNotFound.
    pub async fn describe_import_job(&self, pool_id: &UserPoolId, job_id: &str) -> CoreResult<ImportJob> {
        self.pool(pool_id).await?;
        self.load_import(pool_id, job_id).await
    }

    /// ListUserImportJobs: oldest first, `limit` at a time.
    pub async fn list_import_jobs(
        &self,
        pool_id: &UserPoolId,
        limit: usize,
        token: Option<&str>,
    ) -> CoreResult<(Vec<ImportJob>, Option<String>)> {
        self.pool(pool_id).await?;
        let after = crate::paging::after(token)?;
        let jobs = self.store.list_jobs(pool_id, KIND, after.as_deref(), limit + 1).await?;
        let (page, next) = crate::paging::split(jobs, limit, |j| j.job_id.as_str());
        Ok((page.iter().map(ImportJob::from_stored).collect::<CoreResult<_>>()?, next))
    }

    /// StartUserImportJob: the file must be uploaded and the pool must verify email or phone
    /// numbers (imported users reset their passwords through them). Errors: ResourceNotFound,
    /// PreconditionNotMet, InvalidParameter (not in `Created`).
    pub async fn start_import_job(&self, pool_id: &UserPoolId, job_id: &str) -> CoreResult<ImportJob> {
        let pool = self.pool(pool_id).await?;
        let mut job = self.load_import(pool_id, job_id).await?;
        if job.status_now(now_millis()) != ImportStatus::Created {
            return Err(CoreError::InvalidParameter(format!(
                "Job {job_id} cannot be started: it is {}.",
                job.status_now(now_millis()).as_str()
            )));
        }
        if pool.settings.auto_verified_attributes.is_empty() {
            return Err(CoreError::PreconditionNotMet(
                "The user pool has no auto-verified attributes (email or phone_number); imported users could not reset their passwords.".into(),
            ));
        }
        if !job.uploaded {
            return Err(CoreError::PreconditionNotMet(
                "The CSV file has not been uploaded to the job's PreSignedUrl.".into(),
            ));
        }
        job.status = ImportStatus::Pending;
        job.started_at = Some(now_millis());
        job.heartbeat_at = now_millis();
        if !self.save_import(&mut job).await? {
            return Err(CoreError::ConcurrentModification(format!("Job {job_id} changed meanwhile; try again.")));
        }
        let svc: Cognate = (**self).clone();
        let (p, j) = (pool_id.clone(), job_id.to_string());
        tokio::spawn(async move { svc.run_import(p, j).await });
        Ok(job)
    }

    /// StopUserImportJob: a pending or running job stops after the batch under way; the rows
    /// not reached are counted as skipped. Errors: ResourceNotFound, InvalidParameter.
    pub async fn stop_import_job(&self, pool_id: &UserPoolId, job_id: &str) -> CoreResult<ImportJob> {
        self.pool(pool_id).await?;
        loop {
            let mut job = self.load_import(pool_id, job_id).await?;
            if !matches!(job.status, ImportStatus::Pending | ImportStatus::InProgress) {
                return Err(CoreError::InvalidParameter(format!(
                    "Job {job_id} cannot be stopped: it is {}.",
                    job.status_now(now_millis()).as_str()
                )));
            }
            job.status = ImportStatus::Stopping;
            if self.save_import(&mut job).await? {
                return Ok(job);
            }
        }
    }
}
