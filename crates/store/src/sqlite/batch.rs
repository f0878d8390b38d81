//! Group commit of refresh tokens. Every sign-in and every code exchange stores one, and on
//! SQLite each commit waits for an fsync of the WAL while holding the one writer: one fsync
//! per token made the writer the code exchange's bottleneck (the exchange ran at 1,300/s with
//! the insert, 1,900/s without it). Inserts that arrive while a commit is under way are
//! queued and committed together, in one transaction and one fsync; each caller is answered
//! after that commit, so nothing is acknowledged before it is on disk. A batch whose
//! transaction fails as a whole is retried one insert at a time, so one bad row cannot fail
//! its neighbours. (A refused insert — a unique or foreign-key violation — fails only its own
//! statement in SQLite, not the transaction.)

use super::auth::{insert_refresh_token, refresh_insert_error};
use crate::{RefreshToken, StoreResult};
use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};

/// The most inserts committed together.
const MAX_BATCH: usize = 128;

type Job = (RefreshToken, oneshot::Sender<StoreResult<()>>);

/// The queue of the group-commit task; the task ends when the last store clone is dropped.
#[derive(Clone)]
pub(super) struct RefreshBatcher {
    queue: mpsc::UnboundedSender<Job>,
}

impl RefreshBatcher {
    /// Starts the task that commits on `writer`.
    pub(super) fn start(writer: SqlitePool) -> Self {
        let (queue, jobs) = mpsc::unbounded_channel();
        tokio::spawn(run(writer, jobs));
        Self { queue }
    }

    /// Inserts `t`; returns once it is committed.
    pub(super) async fn insert(&self, t: &RefreshToken) -> StoreResult<()> {
        let (reply, answer) = oneshot::channel();
        self.queue.send((t.clone(), reply)).map_err(|_| crate::StoreError::Backend("the store is closed".into()))?;
        answer.await.map_err(|_| crate::StoreError::Backend("the group commit stopped".into()))?
    }
}

async fn run(writer: SqlitePool, mut jobs: mpsc::UnboundedReceiver<Job>) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = jobs.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if batch.len() == 1 {
            let (t, reply) = batch.pop().expect("one job");
            let _ = reply.send(insert_refresh_token(&writer, &t).await.map_err(refresh_insert_error));
            continue;
        }
        match together(&writer, &batch).await {
            Ok(results) => {
                for ((_, reply), result) in batch.drain(..).zip(results) {
                    let _ = reply.send(result.map_err(refresh_insert_error));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, size = batch.len(), "group commit failed; committing one by one");
                for (t, reply) in batch.drain(..) {
                    let _ = reply.send(insert_refresh_token(&writer, &t).await.map_err(refresh_insert_error));
                }
            }
        }
    }
}

/// One transaction for the whole batch: each insert's own result, or the error that failed
/// the transaction (then nothing of it was committed).
async fn together(writer: &SqlitePool, batch: &[Job]) -> Result<Vec<Result<(), sqlx::Error>>, sqlx::Error> {
    let mut tx = writer.begin().await?;
    let mut results = Vec::with_capacity(batch.len());
    for (t, _) in batch {
        match insert_refresh_token(&mut *tx, t).await {
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() || db.is_foreign_key_violation() => {
                results.push(Err(sqlx::Error::Database(db)))
            }
            // Anything else may have ended the transaction: roll back (dropping `tx`).
            Err(e) => return Err(e),
            Ok(()) => results.push(Ok(())),
        }
    }
    tx.commit().await?;
    Ok(results)
}

/// One UpdateRecords waiting for the group commit (owned: it crosses to the commit task).
struct SyncJob {
    pool: String,
    identity: String,
    name: String,
    patches: Vec<crate::SyncPatch>,
    by: String,
    now: i64,
    limits: crate::SyncLimits,
    reply: oneshot::Sender<StoreResult<crate::PatchOutcome>>,
}

/// Group commit of UpdateRecords: each request in a savepoint of one transaction (a refused
/// one — a conflict, a limit, an error — is rolled back alone), one fsync for all, each caller
/// answered after the commit.
#[derive(Clone)]
pub(super) struct SyncBatcher {
    queue: mpsc::UnboundedSender<SyncJob>,
}

impl SyncBatcher {
    /// Starts the task that commits on `writer`.
    pub(super) fn start(writer: SqlitePool) -> Self {
        let (queue, jobs) = mpsc::unbounded_channel();
        tokio::spawn(run_sync(writer, jobs));
        Self { queue }
    }

    /// Applies one request; returns once it is committed (or refused).
    pub(super) async fn apply(
        &self,
        at: crate::DatasetRef<'_>,
        patches: &[crate::SyncPatch],
        by: &str,
        now: i64,
        limits: crate::SyncLimits,
    ) -> StoreResult<crate::PatchOutcome> {
        let (reply, answer) = oneshot::channel();
        let job = SyncJob {
            pool: at.pool.to_string(),
            identity: at.identity.to_string(),
            name: at.name.to_string(),
            patches: patches.to_vec(),
            by: by.to_string(),
            now,
            limits,
            reply,
        };
        self.queue.send(job).map_err(|_| crate::StoreError::Backend("the store is closed".into()))?;
        answer.await.map_err(|_| crate::StoreError::Backend("the group commit stopped".into()))?
    }
}

async fn run_sync(writer: SqlitePool, mut jobs: mpsc::UnboundedReceiver<SyncJob>) {
    let mut batch: Vec<SyncJob> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = jobs.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match sync_together(&writer, &batch).await {
            Ok(results) => {
                for (job, r) in batch.drain(..).zip(results) {
                    let _ = job.reply.send(r);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, size = batch.len(), "sync group commit failed");
                for job in batch.drain(..) {
                    let _ = job.reply.send(Err(crate::StoreError::Backend(e.to_string())));
                }
            }
        }
    }
}

/// Every request of the batch in its own savepoint of one transaction; the results once it is
/// committed (an error here means nothing of the batch was committed).
async fn sync_together(writer: &SqlitePool, batch: &[SyncJob]) -> StoreResult<Vec<StoreResult<crate::PatchOutcome>>> {
    use sqlx::Acquire;
    let mut tx = writer.begin().await?;
    let mut results = Vec::with_capacity(batch.len());
    for j in batch {
        let mut one = tx.begin().await?;
        let at = crate::DatasetRef { pool: &j.pool, identity: &j.identity, name: &j.name };
        let r = super::sync::apply_in(&mut one, at, &j.patches, &j.by, j.now, j.limits).await;
        match &r {
            Ok(crate::PatchOutcome::Applied(..)) => one.commit().await?,
            _ => one.rollback().await?,
        }
        results.push(r);
    }
    tx.commit().await?;
    Ok(results)
}
