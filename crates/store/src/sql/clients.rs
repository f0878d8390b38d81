use super::DbRow;
use super::{conflict_or, DbStore};
use crate::cache::Coherence;
use crate::{ClientStore, StoreError, StoreResult};
use async_trait::async_trait;
use cognate_model::{AppClient, ClientId, UserPoolId};
use sqlx::Row;

fn client_from_row(row: &DbRow) -> StoreResult<AppClient> {
    let settings: String = row.try_get("settings")?;
    Ok(AppClient {
        pool_id: UserPoolId::new(row.try_get::<String, _>("pool_id")?),
        client_id: ClientId::new(row.try_get::<String, _>("client_id")?),
        name: row.try_get("name")?,
        secret_sealed: row.try_get("secret_sealed")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        settings: serde_json::from_str(&settings)?,
    })
}

/// The stored version of a client (the read cache's probe on a shared database).
async fn probe(store: &DbStore, id: &ClientId) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT version FROM app_clients WHERE client_id = $1")
        .bind(id.as_str())
        .fetch_optional(&store.reader)
        .await?)
}

#[async_trait]
impl ClientStore for DbStore {
    async fn create_client(&self, c: &AppClient) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO app_clients (client_id, pool_id, name, secret_sealed, created_at, updated_at, settings) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(c.client_id.as_str())
        .bind(c.pool_id.as_str())
        .bind(&c.name)
        .bind(&c.secret_sealed)
        .bind(c.created_at)
        .bind(c.updated_at)
        .bind(serde_json::to_string(&c.settings)?)
        .execute(&self.writer)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => conflict_or(e, "client_id"),
        })?;
        Ok(())
    }

    async fn get_client(&self, id: &ClientId) -> StoreResult<Option<AppClient>> {
        if let Some((client, version)) = self.cache.client(id.as_str()) {
            if self.cache.coherence() == Coherence::Exclusive || probe(self, id).await? == Some(version) {
                return Ok(Some((*client).clone()));
            }
        }
        let since = self.cache.generation();
        let Some(row) = sqlx::query("SELECT * FROM app_clients WHERE client_id = $1")
            .bind(id.as_str())
            .fetch_optional(&self.reader)
            .await?
        else {
            return Ok(None);
        };
        let client = client_from_row(&row)?;
        self.cache.put_client(since, &client, row.try_get("version")?);
        Ok(Some(client))
    }

    async fn update_client(&self, c: &AppClient) -> StoreResult<()> {
        let r = sqlx::query(
            "UPDATE app_clients SET name = $1, secret_sealed = $2, updated_at = $3, settings = $4, \
             version = version + 1 WHERE client_id = $5 AND pool_id = $6",
        )
        .bind(&c.name)
        .bind(&c.secret_sealed)
        .bind(c.updated_at)
        .bind(serde_json::to_string(&c.settings)?)
        .bind(c.client_id.as_str())
        .bind(c.pool_id.as_str())
        .execute(&self.writer)
        .await;
        self.cache.forget_client(c.client_id.as_str());
        let r = r?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_client(&self, pool: &UserPoolId, id: &ClientId) -> StoreResult<()> {
        let r = sqlx::query("DELETE FROM app_clients WHERE client_id = $1 AND pool_id = $2")
            .bind(id.as_str())
            .bind(pool.as_str())
            .execute(&self.writer)
            .await;
        self.cache.forget_client(id.as_str());
        let r = r?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn list_clients(&self, pool: &UserPoolId, after: Option<&str>, limit: usize) -> StoreResult<Vec<AppClient>> {
        sqlx::query("SELECT * FROM app_clients WHERE pool_id = $1 AND client_id > $2 ORDER BY client_id LIMIT $3")
            .bind(pool.as_str())
            .bind(after.unwrap_or(""))
            .bind(limit as i64)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(client_from_row)
            .collect()
    }
}
