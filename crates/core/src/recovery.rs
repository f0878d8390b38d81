//! Point-in-time recovery of a pool's users, from the change log the store keeps of every user
//! write (the user as it was before it). InitiatePointInTimeRecovery computes a preview (how
//! many users a restore to that moment creates, updates and deletes); StartPointInTimeRecovery
//! applies it in the background while the pool (and every other pool) keeps serving: each
//! user changed since the moment is put back as it was then, or deleted if it did not exist.
//! A restore is itself logged, so it can be undone by restoring to the moment before it.
//!
//! What is restored: users (attributes, status, enabled, password, MFA settings). Group
//! memberships, devices and refresh-token sessions are not in the log and stay as they are.

use crate::users::sign_in_keys;
use crate::views::AdminView;
use crate::{Cognate, CoreError, CoreResult};
use cognate_model::{now_millis, User, UserPoolId};
use cognate_store::{PoolJob, StoreError};
use serde::{Deserialize, Serialize};

const KIND: &str = "restore";
/// A preview not started within this long expires.
pub const PREVIEW_VALIDITY_MS: i64 = 24 * 3600 * 1000;

/// Where a restoration stands (Cognito's `RestoreStatusType`, the states Cognate reaches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RestoreStatus {
    PreviewGenerated,
    PreviewCancelled,
    PreviewExpired,
    Restoring,
    RestoreCompleted,
    /// The restore stopped on an error (logged); the pool may be partly restored, and a new
    /// restoration may be started.
    Failed,
}

/// The counts of a preview for one kind of entity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestorePreview {
    pub entity: String,
    pub create: i64,
    pub update: i64,
    pub delete: i64,
}

/// A restoration of a pool to a moment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Restoration {
    #[serde(skip)]
    pub restore_id: String,
    #[serde(skip)]
    pool_id: String,
    #[serde(skip)]
    version: i64,
    /// The moment restored to (ms).
    pub restore_timestamp: i64,
    /// When it was asked for (ms).
    pub trigger_timestamp: i64,
    pub status: RestoreStatus,
    pub preview: Vec<RestorePreview>,
    /// Users that could not be put back (a sign-in key now held by another user).
    pub failed: i64,
    pub completed_at: Option<i64>,
}

impl Restoration {
    fn from_stored(j: &PoolJob) -> CoreResult<Self> {
        let mut r: Restoration = serde_json::from_str(&j.document)
            .map_err(|e| CoreError::Internal(format!("restoration {}: {e}", j.job_id)))?;
        r.restore_id = j.job_id.clone();
        r.pool_id = j.pool_id.as_str().to_string();
        r.version = j.version;
        Ok(r)
    }

    fn stored(&self) -> PoolJob {
        PoolJob {
            pool_id: UserPoolId::new(&self.pool_id),
            job_id: self.restore_id.clone(),
            kind: KIND.into(),
            created_at: self.trigger_timestamp,
            version: self.version,
            document: serde_json::to_string(self).expect("a restoration serializes"),
        }
    }

    /// The status a reader sees now: a preview not started in time has expired.
    pub fn status_now(&self, now: i64) -> RestoreStatus {
        if self.status == RestoreStatus::PreviewGenerated && now > self.trigger_timestamp + PREVIEW_VALIDITY_MS {
            RestoreStatus::PreviewExpired
        } else {
            self.status
        }
    }
}

/// What a restore to a moment does to each changed user.
enum Step {
    Delete(String),
    Put(Box<User>),
}

impl Cognate {
    /// The steps that bring `pool`'s users back to `at`: deletions first (they free sign-in
    /// keys the others may need), and the preview's counts.
    async fn restore_plan(&self, pool_id: &UserPoolId, at: i64) -> CoreResult<(Vec<Step>, RestorePreview)> {
        let mut preview = RestorePreview { entity: "USER".into(), ..Default::default() };
        let (mut deletes, mut puts) = (vec![], vec![]);
        for (key, before) in self.store.users_before(pool_id, at).await? {
            let now = self.store.get_user(pool_id, &key).await?;
            match (before, now) {
                (None, None) => {}
                (None, Some(_)) => {
                    preview.delete += 1;
                    deletes.push(Step::Delete(key));
                }
                (Some(b), None) => {
                    preview.create += 1;
                    puts.push(Step::Put(Box::new(b)));
                }
                (Some(b), Some(n)) if b != n => {
                    preview.update += 1;
                    puts.push(Step::Put(Box::new(b)));
                }
                (Some(_), Some(_)) => {}
            }
        }
        deletes.extend(puts);
        Ok((deletes, preview))
    }

    async fn load_restoration(&self, pool_id: &UserPoolId, id: &str) -> CoreResult<Restoration> {
        match self.store.get_job(pool_id, id).await? {
            Some(j) if j.kind == KIND => Restoration::from_stored(&j),
            _ => Err(CoreError::ResourceNotFound(format!("Restoration not found: {id}"))),
        }
    }

    async fn save_restoration(&self, r: &mut Restoration) -> CoreResult<bool> {
        if self.store.update_job(&r.stored()).await? {
            r.version += 1;
            return Ok(true);
        }
        Ok(false)
    }

    /// Applies a started restoration.
    async fn run_restore(&self, pool_id: UserPoolId, id: String) {
        if let Err(e) = self.restore_users(&pool_id, &id).await {
            tracing::error!(pool = %pool_id, restore = %id, error = %e, "point-in-time recovery failed");
            // Not left RESTORING: that would refuse every later restoration of the pool.
            if let Ok(mut r) = self.load_restoration(&pool_id, &id).await {
                r.status = RestoreStatus::Failed;
                r.completed_at = Some(now_millis());
                let _ = self.save_restoration(&mut r).await;
            }
        }
    }

    async fn restore_users(&self, pool_id: &UserPoolId, id: &str) -> CoreResult<()> {
        let mut r = self.load_restoration(pool_id, id).await?;
        let pool = self.pool(pool_id).await?;
        let (steps, _) = self.restore_plan(pool_id, r.restore_timestamp).await?;
        let mut failed = 0;
        for step in steps {
            let result = match &step {
                Step::Delete(key) => self.store.restore_user(pool_id, key, None).await,
                Step::Put(user) => {
                    let keys = sign_in_keys(&pool.settings, user);
                    self.store.restore_user(pool_id, &user.username_key, Some((user, &keys))).await
                }
            };
            match result {
                Ok(()) => {}
                Err(StoreError::Conflict(k)) => {
                    failed += 1;
                    let who = match &step {
                        Step::Delete(key) => key.clone(),
                        Step::Put(u) => u.username_key.clone(),
                    };
                    tracing::warn!(pool = %pool_id, restore = %id, user = %who, key = %k, "not restored: its sign-in key is held by another user");
                }
                Err(e) => return Err(e.into()),
            }
        }
        loop {
            r.status = RestoreStatus::RestoreCompleted;
            r.failed = failed;
            r.completed_at = Some(now_millis());
            if self.save_restoration(&mut r).await? {
                break;
            }
            r.version = self.load_restoration(pool_id, id).await?.version;
        }
        tracing::info!(pool = %pool_id, restore = %id, at = r.restore_timestamp, failed, "point-in-time recovery completed");
        Ok(())
    }

    /// Drops change-log entries older than the retention (every node calls this now and then).
    pub async fn prune_change_log(&self) -> CoreResult<u64> {
        let keep = self.config.change_log_retention_days as i64 * 24 * 3600 * 1000;
        Ok(self.store.prune_changes(now_millis() - keep).await?)
    }

    /// Background upkeep of the operations features: the change log's and the auth events'
    /// retention, and import jobs a stopped node left running.
    pub async fn housekeeping(&self) -> CoreResult<()> {
        self.prune_change_log().await?;
        self.prune_auth_events().await?;
        self.resume_import_jobs().await?;
        Ok(())
    }
}

impl AdminView<'_> {
    /// InitiatePointInTimeRecovery: a preview of restoring the pool's users to `at` (ms), which
    /// must lie within the change log's retention and in the past. Errors: ResourceNotFound,
    /// InvalidParameter, ConcurrentModification (another restoration of the pool is open).
    pub async fn initiate_recovery(&self, pool_id: &UserPoolId, at: i64) -> CoreResult<Restoration> {
        self.pool(pool_id).await?;
        let now = now_millis();
        let window = self.config.change_log_retention_days as i64 * 24 * 3600 * 1000;
        if at >= now {
            return Err(CoreError::InvalidParameter("RestoreTimestamp must be in the past.".into()));
        }
        if at < now - window {
            return Err(CoreError::InvalidParameter(format!(
                "RestoreTimestamp is outside the recovery window: the last {} days.",
                self.config.change_log_retention_days
            )));
        }
        for j in self.store.list_jobs(pool_id, KIND, None, 1000).await? {
            let r = Restoration::from_stored(&j)?;
            if matches!(r.status_now(now), RestoreStatus::PreviewGenerated | RestoreStatus::Restoring) {
                return Err(CoreError::ConcurrentModification(format!(
                    "Restoration {} of this user pool is still open; start or cancel it first.",
                    r.restore_id
                )));
            }
        }
        let (_, preview) = self.restore_plan(pool_id, at).await?;
        let mut r = Restoration {
            restore_id: uuid::Uuid::new_v4().to_string(),
            pool_id: pool_id.as_str().to_string(),
            version: 1,
            restore_timestamp: at,
            trigger_timestamp: now,
            status: RestoreStatus::PreviewGenerated,
            preview: vec![preview],
            failed: 0,
            completed_at: None,
        };
        self.store.create_job(&r.stored()).await?;
        r.version = 1;
        Ok(r)
    }

    /// StartPointInTimeRecovery: applies a generated preview in the background. Errors:
    /// ResourceNotFound, InvalidParameter (not a generated preview), ConcurrentModification.
    pub async fn start_recovery(&self, pool_id: &UserPoolId, id: &str) -> CoreResult<Restoration> {
        self.pool(pool_id).await?;
        let mut r = self.load_restoration(pool_id, id).await?;
        let status = r.status_now(now_millis());
        if status != RestoreStatus::PreviewGenerated {
            return Err(CoreError::InvalidParameter(format!("Restoration {id} cannot start: it is {status:?}.")));
        }
        r.status = RestoreStatus::Restoring;
        if !self.save_restoration(&mut r).await? {
            return Err(CoreError::ConcurrentModification(format!("Restoration {id} changed meanwhile.")));
        }
        let svc: Cognate = (**self).clone();
        let (p, i) = (pool_id.clone(), id.to_string());
        tokio::spawn(async move { svc.run_restore(p, i).await });
        Ok(r)
    }

    /// CancelPointInTimeRecovery: only a preview can be cancelled. Errors: ResourceNotFound,
    /// ConcurrentModification (restoring), InvalidParameter (already ended).
    pub async fn cancel_recovery(&self, pool_id: &UserPoolId, id: &str) -> CoreResult<Restoration> {
        self.pool(pool_id).await?;
        let mut r = self.load_restoration(pool_id, id).await?;
        match r.status_now(now_millis()) {
            RestoreStatus::PreviewGenerated => {}
            RestoreStatus::Restoring => {
                return Err(CoreError::ConcurrentModification(format!("Restoration {id} is restoring.")))
            }
            s => {
                return Err(CoreError::InvalidParameter(format!("Restoration {id} cannot be cancelled: it is {s:?}.")))
            }
        }
        r.status = RestoreStatus::PreviewCancelled;
        if !self.save_restoration(&mut r).await? {
            return Err(CoreError::ConcurrentModification(format!("Restoration {id} changed meanwhile.")));
        }
        Ok(r)
    }

    /// DescribePointInTimeRecovery. Errors: ResourceNotFound.
    pub async fn describe_recovery(&self, pool_id: &UserPoolId, id: &str) -> CoreResult<Restoration> {
        self.pool(pool_id).await?;
        self.load_restoration(pool_id, id).await
    }

    /// ListPointInTimeRecoveries: oldest first.
    pub async fn list_recoveries(
        &self,
        pool_id: &UserPoolId,
        limit: usize,
        token: Option<&str>,
    ) -> CoreResult<(Vec<Restoration>, Option<String>)> {
        self.pool(pool_id).await?;
        let after = crate::paging::after(token)?;
        let jobs = self.store.list_jobs(pool_id, KIND, after.as_deref(), limit + 1).await?;
        let (page, next) = crate::paging::split(jobs, limit, |j| j.job_id.as_str());
        Ok((page.iter().map(Restoration::from_stored).collect::<CoreResult<_>>()?, next))
    }
}
