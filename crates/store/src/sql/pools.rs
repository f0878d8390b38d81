use super::DbRow;
use super::{conflict_or, DbStore};
use crate::cache::Coherence;
use crate::{PoolStore, StoreError, StoreResult};
use async_trait::async_trait;
use cognate_model::{UserPool, UserPoolId};
use sqlx::Row;

fn pool_from_row(row: &DbRow) -> StoreResult<UserPool> {
    let settings: String = row.try_get("settings")?;
    Ok(UserPool {
        id: UserPoolId::new(row.try_get::<String, _>("id")?),
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        settings: cognate_model::PoolSettings::from_stored(&settings)?,
    })
}

/// The stored version of a pool (the read cache's probe on a shared database).
async fn probe(store: &DbStore, id: &UserPoolId) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT version FROM user_pools WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(&store.reader)
        .await?)
}

#[async_trait]
impl PoolStore for DbStore {
    async fn create_pool(&self, pool: &UserPool) -> StoreResult<()> {
        sqlx::query("INSERT INTO user_pools (id, name, created_at, updated_at, settings) VALUES ($1, $2, $3, $4, $5)")
            .bind(pool.id.as_str())
            .bind(&pool.name)
            .bind(pool.created_at)
            .bind(pool.updated_at)
            .bind(serde_json::to_string(&pool.settings)?)
            .execute(&self.writer)
            .await
            .map_err(|e| conflict_or(e, "id"))?;
        Ok(())
    }

    async fn get_pool(&self, id: &UserPoolId) -> StoreResult<Option<UserPool>> {
        if let Some((pool, version)) = self.cache.pool(id.as_str()) {
            if self.cache.coherence() == Coherence::Exclusive || probe(self, id).await? == Some(version) {
                return Ok(Some((*pool).clone()));
            }
        }
        let since = self.cache.generation();
        let Some(row) = sqlx::query("SELECT * FROM user_pools WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&self.reader)
            .await?
        else {
            return Ok(None);
        };
        let pool = pool_from_row(&row)?;
        self.cache.put_pool(since, &pool, row.try_get("version")?);
        Ok(Some(pool))
    }

    async fn update_pool(&self, pool: &UserPool) -> StoreResult<()> {
        let r = sqlx::query(
            "UPDATE user_pools SET name = $1, updated_at = $2, settings = $3, version = version + 1 WHERE id = $4",
        )
        .bind(&pool.name)
        .bind(pool.updated_at)
        .bind(serde_json::to_string(&pool.settings)?)
        .bind(pool.id.as_str())
        .execute(&self.writer)
        .await;
        self.cache.forget_pool(pool.id.as_str(), false);
        let r = r?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_pool(&self, id: &UserPoolId) -> StoreResult<()> {
        let r = sqlx::query("DELETE FROM user_pools WHERE id = $1").bind(id.as_str()).execute(&self.writer).await;
        self.cache.forget_pool(id.as_str(), true);
        let r = r?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn list_pools(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<UserPool>> {
        sqlx::query("SELECT * FROM user_pools WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after.unwrap_or(""))
            .bind(limit as i64)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(pool_from_row)
            .collect()
    }

    async fn count_users(&self, id: &UserPoolId) -> StoreResult<i64> {
        if let Some(n) = self.cache.count(id.as_str()) {
            return Ok(n);
        }
        let since = self.cache.generation();
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE pool_id = $1")
            .bind(id.as_str())
            .fetch_one(&self.reader)
            .await?;
        self.cache.put_count(since, id.as_str(), n);
        Ok(n)
    }

    async fn count_pools(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM user_pools").fetch_one(&self.reader).await?)
    }

    async fn count_clients(&self, id: &UserPoolId) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM app_clients WHERE pool_id = $1")
            .bind(id.as_str())
            .fetch_one(&self.reader)
            .await?)
    }

    async fn count_groups(&self, id: &UserPoolId) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM groups WHERE pool_id = $1")
            .bind(id.as_str())
            .fetch_one(&self.reader)
            .await?)
    }
}
