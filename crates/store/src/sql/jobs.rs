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
        let r = create_users_now(self, users).await;
        let mut pools: Vec<&str> = users.iter().map(|(u, _)| u.pool_id.as_str()).collect();
        pools.dedup();
        for p in pools {
            self.cache.forget_count(p);
        }
        r
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
        let r = crate::retrying(|| async move {
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
        .await;
        self.cache.forget_user(pool.as_str(), username_key);
        self.cache.forget_traces(pool.as_str(), username_key);
        r
    }

    async fn prune_changes(&self, before: i64) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM user_changes WHERE at < $1").bind(before).execute(&self.writer).await?;
        Ok(r.rows_affected())
    }
}

/// Inserts users (each refused alone on a conflict); the results in order.
async fn create_users_now(store: &DbStore, users: &[(User, Vec<String>)]) -> StoreResult<Vec<StoreResult<()>>> {
    // The fast path: conflicts found with two reads, the rest in multi-row inserts. If the
    // database still refuses (a writer raced it on PostgreSQL), the batch is redone one
    // user at a time, each in a savepoint.
    match bulk_insert(store, users).await {
        Ok(Some(results)) => return Ok(results),
        Ok(None) => {}
        Err(e) => tracing::debug!(error = %e, "bulk insert refused; inserting one by one"),
    }
    crate::retrying(|| async move {
        let mut tx = store.writer.begin().await?;
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

/// Rows a multi-row statement carries (22 values a user: far below either database's limit).
const ROWS: usize = 400;

/// The bulk path of `create_users` for a batch of one pool: `None` when it does not apply.
async fn bulk_insert(store: &DbStore, users: &[(User, Vec<String>)]) -> StoreResult<Option<Vec<StoreResult<()>>>> {
    use std::collections::HashSet;
    let Some(pool) = users.first().map(|(u, _)| u.pool_id.clone()) else { return Ok(Some(vec![])) };
    if users.iter().any(|(u, _)| u.pool_id != pool) {
        return Ok(None);
    }
    let mut tx = store.writer.begin().await?;
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM user_pools WHERE id = $1")
        .bind(pool.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Ok(Some(users.iter().map(|_| Err(StoreError::NotFound)).collect()));
    }
    // Names and keys already taken in the pool.
    let mut taken_names: HashSet<String> = HashSet::new();
    let mut taken_keys: HashSet<String> = HashSet::new();
    for chunk in users.chunks(ROWS) {
        let names: Vec<&str> = chunk.iter().map(|(u, _)| u.username_key.as_str()).collect();
        taken_names.extend(super::existing(&mut tx, "users", "username_key", pool.as_str(), &names).await?);
        let keys: Vec<&str> = chunk.iter().flat_map(|(_, k)| k.iter().map(String::as_str)).collect();
        if !keys.is_empty() {
            taken_keys.extend(super::existing(&mut tx, "user_keys", "key", pool.as_str(), &keys).await?);
        }
    }
    // Refused in order, as one-by-one inserts would refuse them (a later duplicate loses).
    let mut results = Vec::with_capacity(users.len());
    let mut accepted: Vec<&(User, Vec<String>)> = vec![];
    for entry in users {
        let (u, keys) = entry;
        if taken_names.contains(&u.username_key) {
            results.push(Err(StoreError::Conflict("username".into())));
            continue;
        }
        if let Some(k) = keys.iter().find(|k| taken_keys.contains(*k)) {
            results.push(Err(StoreError::Conflict(k.clone())));
            continue;
        }
        taken_names.insert(u.username_key.clone());
        taken_keys.extend(keys.iter().cloned());
        accepted.push(entry);
        results.push(Ok(()));
    }
    let now = cognate_model::now_millis();
    for chunk in accepted.chunks(ROWS) {
        let mut q = sqlx::QueryBuilder::<super::Db>::new(format!(
            "INSERT INTO users ({}, email, phone_number, name, given_name, family_name, preferred_username) ",
            super::rows::USER_COLUMNS
        ));
        let docs: Vec<(String, String, String)> = chunk
            .iter()
            .map(|(u, _)| {
                Ok((
                    serde_json::to_string(&u.attributes)?,
                    serde_json::to_string(&u.mfa)?,
                    serde_json::to_string(&u.pending_attributes)?,
                ))
            })
            .collect::<serde_json::Result<_>>()?;
        q.push_values(chunk.iter().zip(docs), |mut b, ((u, _), (attributes, mfa, pending))| {
            b.push_bind(u.pool_id.as_str().to_string())
                .push_bind(u.username_key.clone())
                .push_bind(u.username.clone())
                .push_bind(u.sub.clone())
                .push_bind(u.status.as_str())
                .push_bind(u.enabled)
                .push_bind(attributes)
                .push_bind(u.password_hash.clone())
                .push_bind(u.password_set_at)
                .push_bind(0i64)
                .push_bind(u.created_at)
                .push_bind(u.updated_at)
                .push_bind(u.version)
                .push_bind(mfa)
                .push_bind(u.srp_verifier.clone())
                .push_bind(pending);
            for v in super::rows::indexed_values(u) {
                b.push_bind(v);
            }
        });
        q.build().execute(&mut *tx).await?;
        let keys: Vec<(&User, &String)> = chunk.iter().flat_map(|(u, k)| k.iter().map(move |k| (u, k))).collect();
        for keys in keys.chunks(ROWS * 4) {
            let mut q = sqlx::QueryBuilder::<super::Db>::new("INSERT INTO user_keys (pool_id, key, username_key) ");
            q.push_values(keys.iter(), |mut b, (u, k)| {
                b.push_bind(u.pool_id.as_str()).push_bind(k.as_str()).push_bind(u.username_key.as_str());
            });
            q.build().execute(&mut *tx).await?;
        }
        let mut q =
            sqlx::QueryBuilder::<super::Db>::new("INSERT INTO user_changes (pool_id, username_key, at, before) ");
        q.push_values(chunk.iter(), |mut b, (u, _)| {
            b.push_bind(u.pool_id.as_str()).push_bind(u.username_key.as_str()).push_bind(now).push_bind(None::<String>);
        });
        q.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(Some(results))
}
