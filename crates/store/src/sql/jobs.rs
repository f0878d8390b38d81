//! Pool jobs (`JobStore`): imports and restorations as versioned documents, the imports' bulk
//! insert, and the change log of user writes that point-in-time recovery reads.

use super::users::{current_user, insert_user, log_change};
use super::DbStore;
use crate::{JobStore, PoolJob, StoreError, StoreResult};
use async_trait::async_trait;
use cognate_model::{User, UserPoolId};
use sqlx::{Acquire, Row};

fn job_from_row(r: &super::DbRow) -> StoreResult<PoolJob> {
    Ok(PoolJob {
        pool_id: UserPoolId::new(r.try_get::<String, _>("pool_id")?),
        job_id: r.try_get("job_id")?,
        kind: r.try_get("kind")?,
        created_at: r.try_get("created_at")?,
        version: r.try_get("version")?,
        document: r.try_get("document")?,
    })
}

const JOB_COLUMNS: &str = "pool_id, job_id, kind, created_at, version, document";

#[async_trait]
impl JobStore for DbStore {
    async fn create_job(&self, job: &PoolJob) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO pool_jobs (pool_id, job_id, kind, created_at, version, document) VALUES ($1, $2, $3, $4, 1, $5)",
        )
        .bind(job.pool_id.as_str())
        .bind(&job.job_id)
        .bind(&job.kind)
        .bind(job.created_at)
        .bind(&job.document)
        .execute(&self.writer)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => super::conflict_or(e, "job"),
        })?;
        Ok(())
    }

    async fn get_job(&self, pool: &UserPoolId, job_id: &str) -> StoreResult<Option<PoolJob>> {
        sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM pool_jobs WHERE pool_id = $1 AND job_id = $2"))
            .bind(pool.as_str())
            .bind(job_id)
            .fetch_optional(&self.writer)
            .await?
            .map(|r| job_from_row(&r))
            .transpose()
    }

    async fn update_job(&self, job: &PoolJob) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE pool_jobs SET document = $1, version = version + 1 WHERE pool_id = $2 AND job_id = $3 AND version = $4",
        )
        .bind(&job.document)
        .bind(job.pool_id.as_str())
        .bind(&job.job_id)
        .bind(job.version)
        .execute(&self.writer)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    async fn list_jobs(
        &self,
        pool: &UserPoolId,
        kind: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<PoolJob>> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM pool_jobs WHERE pool_id = $1 AND kind = $2 AND ($3 = '' OR \
             (created_at, job_id) > (SELECT created_at, job_id FROM pool_jobs WHERE pool_id = $1 AND job_id = $3)) \
             ORDER BY created_at, job_id LIMIT $4"
        ))
        .bind(pool.as_str())
        .bind(kind)
        .bind(after.unwrap_or(""))
        .bind(limit as i64)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(job_from_row).collect()
    }

    async fn jobs_of_kind(&self, kind: &str) -> StoreResult<Vec<PoolJob>> {
        let rows = sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM pool_jobs WHERE kind = $1 ORDER BY created_at"))
            .bind(kind)
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(job_from_row).collect()
    }

    async fn put_job_upload(&self, pool: &UserPoolId, job_id: &str, data: Option<&[u8]>) -> StoreResult<()> {
        let r = sqlx::query("UPDATE pool_jobs SET upload = $1 WHERE pool_id = $2 AND job_id = $3")
            .bind(data)
            .bind(pool.as_str())
            .bind(job_id)
            .execute(&self.writer)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn job_upload(&self, pool: &UserPoolId, job_id: &str) -> StoreResult<Option<Vec<u8>>> {
        let data: Option<Option<Vec<u8>>> =
            sqlx::query_scalar("SELECT upload FROM pool_jobs WHERE pool_id = $1 AND job_id = $2")
                .bind(pool.as_str())
                .bind(job_id)
                .fetch_optional(&self.reader)
                .await?;
        Ok(data.flatten())
    }

    async fn create_users(&self, users: &[(User, Vec<String>)]) -> StoreResult<Vec<StoreResult<()>>> {
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            let mut results = Vec::with_capacity(users.len());
            for (user, keys) in users {
                // Each user in a savepoint: a refused one is rolled back alone.
                let mut one = tx.begin().await?;
                let r = insert_user(&mut one, user, keys).await;
                let r = match r {
                    Ok(()) => log_change(&mut one, &user.pool_id, &user.username_key, None).await,
                    e => e,
                };
                match r {
                    Ok(()) => one.commit().await?,
                    Err(StoreError::Retry) => return Err(StoreError::Retry),
                    Err(_) => one.rollback().await?,
                }
                results.push(r);
            }
            tx.commit().await?;
            Ok(results)
        })
        .await
    }

    async fn users_before(&self, pool: &UserPoolId, since: i64) -> StoreResult<Vec<(String, Option<User>)>> {
        let rows = sqlx::query(
            "SELECT c.username_key, c.before FROM user_changes c JOIN \
             (SELECT MIN(seq) AS seq FROM user_changes WHERE pool_id = $1 AND at > $2 GROUP BY username_key) f \
             ON c.seq = f.seq ORDER BY c.seq",
        )
        .bind(pool.as_str())
        .bind(since)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                let before: Option<String> = r.try_get("before")?;
                Ok((r.try_get("username_key")?, before.map(|b| serde_json::from_str(&b)).transpose()?))
            })
            .collect()
    }

    async fn restore_user(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        user: Option<(&User, &[String])>,
    ) -> StoreResult<()> {
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            let before = current_user(&mut tx, pool, username_key).await?;
            sqlx::query("DELETE FROM users WHERE pool_id = $1 AND username_key = $2")
                .bind(pool.as_str())
                .bind(username_key)
                .execute(&mut *tx)
                .await?;
            if let Some((user, keys)) = user {
                insert_user(&mut tx, user, keys).await?;
            }
            log_change(&mut tx, pool, username_key, before.as_ref()).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn prune_changes(&self, before: i64) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM user_changes WHERE at < $1").bind(before).execute(&self.writer).await?;
        Ok(r.rows_affected())
    }
}
