//! Identity pools (`IdentityPoolStore`): one document per pool, identities as rows, and each
//! identity's logins as rows whose primary key makes a login belong to one identity.

use super::DbStore;
use crate::{IdentityPoolStore, StoreError, StoreResult};
use async_trait::async_trait;
use cognate_model::{Identity, IdentityPool};
use sqlx::Row;
use std::collections::BTreeMap;

fn conflict(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict("login".into()),
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => e.into(),
    }
}

async fn logins_of<'c, E>(ex: E, id: &str) -> StoreResult<BTreeMap<String, String>>
where
    E: sqlx::Executor<'c, Database = super::Db>,
{
    let rows = sqlx::query("SELECT provider, subject FROM identity_logins WHERE identity_id = $1")
        .bind(id)
        .fetch_all(ex)
        .await?;
    rows.iter().map(|r| Ok((r.try_get("provider")?, r.try_get("subject")?))).collect()
}

#[async_trait]
impl IdentityPoolStore for DbStore {
    async fn create_identity_pool(&self, p: &IdentityPool) -> StoreResult<()> {
        sqlx::query("INSERT INTO identity_pools (id, document) VALUES ($1, $2)")
            .bind(&p.id)
            .bind(serde_json::to_string(p)?)
            .execute(&self.writer)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict("id".into()),
                _ => e.into(),
            })?;
        Ok(())
    }

    async fn get_identity_pool(&self, id: &str) -> StoreResult<Option<IdentityPool>> {
        sqlx::query("SELECT document FROM identity_pools WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .map(|r| Ok(serde_json::from_str(&r.try_get::<String, _>("document")?)?))
            .transpose()
    }

    async fn update_identity_pool(&self, p: &IdentityPool) -> StoreResult<()> {
        let r = sqlx::query("UPDATE identity_pools SET document = $1 WHERE id = $2")
            .bind(serde_json::to_string(p)?)
            .bind(&p.id)
            .execute(&self.writer)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_identity_pool(&self, id: &str) -> StoreResult<()> {
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            sqlx::query("DELETE FROM identity_logins WHERE pool_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM identities WHERE pool_id = $1").bind(id).execute(&mut *tx).await?;
            let r = sqlx::query("DELETE FROM identity_pools WHERE id = $1").bind(id).execute(&mut *tx).await?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn list_identity_pools(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<IdentityPool>> {
        sqlx::query("SELECT document FROM identity_pools WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after.unwrap_or(""))
            .bind(limit as i64)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(|r| Ok(serde_json::from_str(&r.try_get::<String, _>("document")?)?))
            .collect()
    }

    async fn create_identity(&self, i: &Identity) -> StoreResult<()> {
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            sqlx::query("INSERT INTO identities (id, pool_id, created_at, updated_at) VALUES ($1, $2, $3, $4)")
                .bind(&i.id)
                .bind(&i.pool_id)
                .bind(i.created_at)
                .bind(i.updated_at)
                .execute(&mut *tx)
                .await
                .map_err(conflict)?;
            for (provider, subject) in &i.logins {
                sqlx::query(
                    "INSERT INTO identity_logins (pool_id, provider, subject, identity_id) VALUES ($1, $2, $3, $4)",
                )
                .bind(&i.pool_id)
                .bind(provider)
                .bind(subject)
                .bind(&i.id)
                .execute(&mut *tx)
                .await
                .map_err(conflict)?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn get_identity(&self, id: &str) -> StoreResult<Option<Identity>> {
        Ok(self.identity_with_pool(id).await?.map(|(i, _)| i))
    }

    async fn identity_with_pool(&self, id: &str) -> StoreResult<Option<(Identity, IdentityPool)>> {
        // One query: the identity, its pool's document, and its logins (a LEFT JOIN row per
        // login, one row when it has none).
        let rows = sqlx::query(
            "SELECT i.pool_id, i.created_at, i.updated_at, p.document, l.provider, l.subject FROM identities i \
             JOIN identity_pools p ON p.id = i.pool_id \
             LEFT JOIN identity_logins l ON l.identity_id = i.id WHERE i.id = $1",
        )
        .bind(id)
        .fetch_all(&self.reader)
        .await?;
        let Some(first) = rows.first() else { return Ok(None) };
        let mut logins = BTreeMap::new();
        for r in &rows {
            if let Some(p) = r.try_get::<Option<String>, _>("provider")? {
                logins.insert(p, r.try_get::<Option<String>, _>("subject")?.unwrap_or_default());
            }
        }
        let identity = Identity {
            id: id.to_string(),
            pool_id: first.try_get("pool_id")?,
            created_at: first.try_get("created_at")?,
            updated_at: first.try_get("updated_at")?,
            logins,
        };
        let pool: IdentityPool = serde_json::from_str(&first.try_get::<String, _>("document")?)?;
        Ok(Some((identity, pool)))
    }

    async fn identity_by_login(&self, pool: &str, provider: &str, subject: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT identity_id FROM identity_logins WHERE pool_id = $1 AND provider = $2 AND subject = $3",
        )
        .bind(pool)
        .bind(provider)
        .bind(subject)
        .fetch_optional(&self.reader)
        .await?)
    }

    async fn add_logins(&self, id: &str, logins: &[(String, String)], now: i64) -> StoreResult<()> {
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            let pool: Option<String> = sqlx::query_scalar("SELECT pool_id FROM identities WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let pool = pool.ok_or(StoreError::NotFound)?;
            for (provider, subject) in logins {
                // The same login again is nothing new.
                let r = sqlx::query(
                    "INSERT INTO identity_logins (pool_id, provider, subject, identity_id) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (pool_id, provider, subject) DO UPDATE SET identity_id = identity_logins.identity_id \
                     WHERE identity_logins.identity_id = $4",
                )
                .bind(&pool)
                .bind(provider)
                .bind(subject)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(conflict)?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Conflict("login".into()));
                }
            }
            sqlx::query("UPDATE identities SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn remove_logins(&self, id: &str, providers: &[String], now: i64) -> StoreResult<()> {
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            let r = sqlx::query("UPDATE identities SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            for provider in providers {
                sqlx::query("DELETE FROM identity_logins WHERE identity_id = $1 AND provider = $2")
                    .bind(id)
                    .bind(provider)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn list_identities(&self, pool: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<Identity>> {
        let rows = sqlx::query(
            "SELECT id, pool_id, created_at, updated_at FROM identities WHERE pool_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(pool)
        .bind(after.unwrap_or(""))
        .bind(limit as i64)
        .fetch_all(&self.reader)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: String = r.try_get("id")?;
            out.push(Identity {
                logins: logins_of(&self.reader, &id).await?,
                id,
                pool_id: r.try_get("pool_id")?,
                created_at: r.try_get("created_at")?,
                updated_at: r.try_get("updated_at")?,
            });
        }
        Ok(out)
    }

    async fn delete_identity(&self, id: &str) -> StoreResult<bool> {
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            sqlx::query("DELETE FROM identity_logins WHERE identity_id = $1").bind(id).execute(&mut *tx).await?;
            let r = sqlx::query("DELETE FROM identities WHERE id = $1").bind(id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(r.rows_affected() == 1)
        })
        .await
    }

    async fn merge_identities(&self, from: &str, to: &str, now: i64) -> StoreResult<()> {
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            let moving = logins_of(&mut *tx, from).await?;
            move_datasets(&mut tx, from, to).await?;
            sqlx::query("DELETE FROM identity_logins WHERE identity_id = $1").bind(from).execute(&mut *tx).await?;
            let r = sqlx::query("DELETE FROM identities WHERE id = $1").bind(from).execute(&mut *tx).await?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            let pool: Option<String> = sqlx::query_scalar("SELECT pool_id FROM identities WHERE id = $1")
                .bind(to)
                .fetch_optional(&mut *tx)
                .await?;
            let pool = pool.ok_or(StoreError::NotFound)?;
            for (provider, subject) in &moving {
                sqlx::query(
                    "INSERT INTO identity_logins (pool_id, provider, subject, identity_id) VALUES ($1, $2, $3, $4)",
                )
                .bind(&pool)
                .bind(provider)
                .bind(subject)
                .bind(to)
                .execute(&mut *tx)
                .await
                .map_err(conflict)?;
            }
            sqlx::query("UPDATE identities SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(to)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}

/// Cognito Sync on a merge: each dataset of `from` moves to `to` as `{name}.{from}` (its
/// records follow by ON UPDATE CASCADE), and a dataset of `to` with the same name lists it in
/// `merged`, which ListRecords reports as MergedDatasetNames.
async fn move_datasets(tx: &mut sqlx::Transaction<'_, super::Db>, from: &str, to: &str) -> StoreResult<()> {
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM sync_datasets WHERE identity_id = $1 ORDER BY name")
        .bind(from)
        .fetch_all(&mut **tx)
        .await?;
    for name in names {
        let suffix = format!(".{from}");
        let keep = 128usize.saturating_sub(suffix.len());
        let base: String = name.chars().take(keep).collect();
        let merged_name = format!("{base}{suffix}");
        sqlx::query("UPDATE sync_datasets SET identity_id = $1, name = $2 WHERE identity_id = $3 AND name = $4")
            .bind(to)
            .bind(&merged_name)
            .bind(from)
            .bind(&name)
            .execute(&mut **tx)
            .await
            .map_err(conflict)?;
        let current: Option<String> =
            sqlx::query_scalar("SELECT merged FROM sync_datasets WHERE identity_id = $1 AND name = $2")
                .bind(to)
                .bind(&name)
                .fetch_optional(&mut **tx)
                .await?;
        if let Some(current) = current {
            let mut list: Vec<String> = serde_json::from_str(&current)?;
            list.push(merged_name);
            sqlx::query("UPDATE sync_datasets SET merged = $1 WHERE identity_id = $2 AND name = $3")
                .bind(serde_json::to_string(&list)?)
                .bind(to)
                .bind(&name)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}
